"""digest: a static-site generator for news digests."""

__version__ = "0.1.0"
DISTRIBUTION = "news-digest"  # the name pip knows this project by (pyproject.toml)
