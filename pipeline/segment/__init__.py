"""yanbao segment stage."""
