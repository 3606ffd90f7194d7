from credit_api.cli import main

raise SystemExit(main())
