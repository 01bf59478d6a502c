"""One module per subcommand: add_parser(subparsers, language) and run(args) -> exit status.

`language` translates the help texts; run() reads the same language from `args.language`.
"""
