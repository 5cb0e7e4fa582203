"""yanbao eval stage."""
