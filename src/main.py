"""The upstream's launch line, `cd src && python main.py --mode sqs`: the `ai-interviews` CLI.

Not installed with the package; it only lets a checkout run as the upstream launches it.
"""

from entrypoints.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
