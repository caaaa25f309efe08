from compiler.cli.main import main

raise SystemExit(main())
