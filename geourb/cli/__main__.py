"""``python -m geourb.cli``: the ``geourb`` command."""

import sys

from geourb.cli import main

sys.exit(main())
