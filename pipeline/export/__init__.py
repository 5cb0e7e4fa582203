"""yanbao export stage."""
