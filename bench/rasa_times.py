"""Training time of the model, and Rasa's startup time (in-memory tracker vs PostgreSQL + Redis).

Training runs `rasa train` on the bot's data into a temporary directory with an empty cache, so
nothing is reused from earlier trainings and bot/models is left alone. Startup is the time from
starting `rasa run` with the trained model until /status names the loaded model.

    .venv/bin/python -m bench.rasa_times                 # train once, start 2x each way
    .venv/bin/python -m bench.rasa_times --smoke         # 1-epoch training, one startup
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.stack import BOT_BIN, MODEL, REPO, Rasa, header, spawn, stop, tail

BOT = REPO / "bot"


def one_epoch_config(workdir: Path) -> Path:
    """The bot's pipeline with every `epochs:` set to 1: same steps, a fraction of the time."""
    config = workdir / "config-1-epoch.yml"
    config.write_text(re.sub(r"(\bepochs:\s*)\d+", r"\g<1>1", (BOT / "config.yml").read_text()))
    return config


def train(workdir: Path, smoke: bool) -> tuple[float, Path]:
    out = workdir / "models"
    command = [str(BOT_BIN / "rasa"), "train", "--fixed-model-name", "bench", "--out", str(out)]
    if smoke:
        command += ["--config", str(one_epoch_config(workdir))]
    log = workdir / "train.log"
    started = time.monotonic()
    process = spawn(
        command, log, cwd=BOT, env={"RASA_CACHE_DIRECTORY": str(workdir / "cache"), "PYTHONPATH": str(REPO)}
    )
    try:
        code = process.wait(timeout=1800)
    finally:
        stop(process)
    took = time.monotonic() - started
    if code != 0:
        raise RuntimeError(f"rasa train failed ({code}):\n{tail(log)}")
    return took, out / "bench.tar.gz"


def scaled_endpoints(workdir: Path) -> Path:
    """bot/endpoints.scaled.yml with a database and lock prefix of this run's own."""
    suffix = workdir.name.replace("-", "_")[-12:].lower()
    text = (BOT / "endpoints.scaled.yml").read_text()
    text = text.replace('db: "rasa"', f'db: "rasa_bench_{suffix}"').replace(
        'key_prefix: "voordeur"', f'key_prefix: "voordeur-bench-{suffix}"'
    )
    path = workdir / "endpoints.scaled.yml"
    path.write_text(text)
    return path


def drop_database(name: str) -> None:
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-qc",
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        ],
        check=False,
        capture_output=True,
    )


def startup(workdir: Path, model: Path, endpoints: Path | None) -> float:
    rasa = Rasa(workdir, endpoints=endpoints, model=model)
    try:
        return rasa.start(with_actions=False)
    finally:
        rasa.stop()


def run(smoke: bool, starts: int, skip_training: bool, workdir: Path) -> dict:
    result = {}
    model = MODEL
    if not skip_training:
        took, model = train(workdir, smoke)
        result["training_s"] = took
        print(
            f"training{' (1 epoch per model: smoke size)' if smoke else ''}: {took:.1f} s, "
            f"model {model.stat().st_size / 1e6:.1f} MB"
        )
    if not model.is_file():
        raise RuntimeError(f"no model at {model}: run `make bot-train` first")
    plain = [startup(workdir, model, None) for _ in range(starts)]
    result["startup_s"] = plain
    print(
        f"Rasa startup, in-memory tracker: {', '.join(f'{s:.1f}' for s in plain)} s "
        f"(median {statistics.median(plain):.1f} s)"
    )
    if not smoke:
        endpoints = scaled_endpoints(workdir)
        try:
            scaled = [startup(workdir, model, endpoints) for _ in range(starts)]
        finally:
            drop_database(re.search(r'db: "([^"]+)"', endpoints.read_text()).group(1))
        result["startup_scaled_s"] = scaled
        print(
            f"Rasa startup, PostgreSQL tracker store + Redis lock store: {', '.join(f'{s:.1f}' for s in scaled)} s "
            f"(median {statistics.median(scaled):.1f} s)"
        )
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="1-epoch training and one startup: keeps it working")
    parser.add_argument("--starts", type=int, default=2, help="startups timed each way (default 2)")
    parser.add_argument("--skip-training", action="store_true", help="only time startups, with bot/models' model")
    args = parser.parse_args(argv)
    header("model training and Rasa startup", "bench.rasa_times", argv)
    with tempfile.TemporaryDirectory(prefix="voordeur-bench-") as workdir:
        return run(args.smoke, 1 if args.smoke else args.starts, args.skip_training, Path(workdir))


if __name__ == "__main__":
    main()
