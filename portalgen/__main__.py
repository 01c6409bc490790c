from portalgen.commands.cli import main

main()
