from portalgen.commands.cli import entry

entry()
