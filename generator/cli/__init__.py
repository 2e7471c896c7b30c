"""The `digest` command: flags → calls, user errors → messages and exit codes."""

from generator.cli import content_commands, site_commands
from generator.cli.shell import main, run
from generator.cli.site_commands import serve

__all__ = ["content_commands", "main", "run", "serve", "site_commands"]
