"""requalify: evidence of subordination in platform work, from terms of service and activity exports."""

__version__ = "0.1.0"
