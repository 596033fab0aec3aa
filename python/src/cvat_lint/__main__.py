"""`cvat-lint` on the PATH: replaces this process with the bundled binary (exit code and streams unchanged)."""
from __future__ import annotations

import os
import sys

from ._binary import find_binary


def main() -> None:
    """Executes the bundled binary with this process's arguments."""
    binary = find_binary()
    os.execv(binary, [binary, *sys.argv[1:]])


if __name__ == "__main__":
    main()
