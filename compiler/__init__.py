"""datasat: national-accounts satellite accounts for data assets."""

__version__ = "0.1.0"
