"""yanbao (研報): Chinese financial research articles in, source-grounded datasets out."""

__version__ = "0.1.0"
