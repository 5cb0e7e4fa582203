"""yanbao normalize stage."""
