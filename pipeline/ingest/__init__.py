"""yanbao ingest stage."""
