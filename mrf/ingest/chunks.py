"""Parsed chunks of a source file, produced in this process or, for large files, in a parser
process beside the one that writes to the database (the two run on two cores at once)."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from matching.reference import load_reference

from .formats import SourceFormat
from .parse import LineParser, LineRejected, ParsedLine
from .reader import SourceFile

CHUNK_LINES = 5000
PARALLEL_FROM_BYTES = 8 * 1024 * 1024
QUEUE_CHUNKS = 4  # bounded: the parser never runs more than a few chunks ahead (constant memory)


@dataclass
class Chunk:
    lines: int
    parsed: list[ParsedLine]
    rejected: list[tuple[int, str, list[str]]]


def _chunks(source_file: SourceFile, fmt: SourceFormat, structure_codes: set[str],
            chunk_lines: int) -> Iterator[Chunk]:
    parser = LineParser(fmt, source_file.header, load_reference(), structure_codes)
    rows = source_file.rows()
    while batch := list(islice(rows, chunk_lines)):
        chunk = Chunk(lines=len(batch), parsed=[], rejected=[])
        for line, row in batch:
            try:
                chunk.parsed.append(parser.parse(line, row))
            except LineRejected as exc:
                chunk.rejected.append((line, str(exc), row))
        yield chunk


def _produce(queue: mp.Queue, source_file: SourceFile, fmt: SourceFormat, structure_codes: set[str],
             chunk_lines: int) -> None:
    try:
        for chunk in _chunks(source_file, fmt, structure_codes, chunk_lines):
            queue.put(chunk)
        queue.put(None)
    except BaseException as exc:  # noqa: BLE001 - handed to the writer, which raises it
        queue.put(RuntimeError(f"Erreur de lecture du fichier : {exc}"))


def parsed_chunks(source_file: SourceFile, fmt: SourceFormat, structure_codes: set[str],
                  chunk_lines: int = CHUNK_LINES) -> Iterator[Chunk]:
    """Chunks in file order; parsed in a child process when the file is large and there is a core
    to spare."""
    size = source_file.path.stat().st_size
    if size < PARALLEL_FROM_BYTES or (os.cpu_count() or 1) < 2 or "fork" not in mp.get_all_start_methods():
        yield from _chunks(source_file, fmt, structure_codes, chunk_lines)
        return
    load_reference()  # loaded once here, shared with the forked parser
    context = mp.get_context("fork")
    queue: mp.Queue = context.Queue(maxsize=QUEUE_CHUNKS)
    worker = context.Process(target=_produce, args=(queue, source_file, fmt, structure_codes, chunk_lines),
                             daemon=True)
    worker.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()
