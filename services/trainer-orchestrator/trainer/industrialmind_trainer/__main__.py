"""Entry point: `python -m industrialmind_trainer <task> ...` (bin/industrialmind train <task> calls this)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="industrialmind_trainer")
    sub = parser.add_subparsers(dest="task", required=True)
    from .anomaly import train as anomaly_train

    anomaly_train.add_arguments(sub.add_parser("anomaly", help="train an anomaly scorer and export it to ONNX"))
    args = parser.parse_args(argv)
    if args.task == "anomaly":
        return anomaly_train.run(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
