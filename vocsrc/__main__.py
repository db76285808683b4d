import sys

from vocsrc.cli import main

sys.exit(main())
