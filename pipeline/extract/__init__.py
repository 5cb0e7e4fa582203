"""yanbao extract stage."""
