"""One module per command; see ``requalify.cli.COMMANDS``."""
