"""Parsed chunks of a source file, produced in this process or, for large files, in a parser
process beside the one that writes to the database (the two run on two cores at once)."""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import queue as queue_module
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from matching.reference import load_reference

from .formats import SourceFormat
from .parse import LineParser, LineRejected, ParsedLine
from .reader import SourceFile

CHUNK_LINES = 5000
PARALLEL_FROM_BYTES = 8 * 1024 * 1024
QUEUE_CHUNKS = 4  # bounded: the parser never runs more than a few chunks ahead (constant memory)

Encoder = Callable[[list[tuple]], object]


@dataclass
class Chunk:
    """Consecutive lines of a file, as rows ready for the staging tables (see staging.py).

    One row per debtor key and one per créance reference: when a key repeats within the chunk,
    its last line wins and the row keeps the place of its first line. The rows are tuples, or what
    the encoder given to `parsed_chunks` made of them (so that the parser process does that work)."""

    lines: int
    records: object  # rows (seq, source_key, *IDENTITY_FIELDS)
    creances: object  # rows (seq, *CREANCE_FIELDS, source_key, structure_id)
    count: int  # number of créance rows
    rejected: list[tuple[int, str, list[str]]]


def _chunks(source_file: SourceFile, fmt: SourceFormat, structures: dict[str, int], chunk_lines: int,
            encode: Encoder) -> Iterator[Chunk]:
    parser = LineParser(fmt, source_file.header, load_reference(), set(structures))
    rows = source_file.rows()
    while batch := list(islice(rows, chunk_lines)):
        yield _chunk(parser, batch, structures, encode)


def _chunk(parser: LineParser, batch: list[tuple[int, list[str]]], structures: dict[str, int],
           encode: Encoder) -> Chunk:
    identities: dict[str, tuple] = {}
    creances: dict[str, ParsedLine] = {}
    rejected = []
    for line, row in batch:
        try:
            parsed = parser.parse(line, row)
        except LineRejected as exc:
            rejected.append((line, str(exc), row))
            continue
        identities[parsed.source_key] = parsed.identity
        creances[parsed.creance[0]] = parsed  # keyed by reference
    return Chunk(
        lines=len(batch),
        records=encode([(seq, key, *identity) for seq, (key, identity) in enumerate(identities.items())]),
        creances=encode([(seq, *p.creance, p.source_key, structures[p.structure_code])
                         for seq, p in enumerate(creances.values())]),
        count=len(creances), rejected=rejected)


def _put(queue: mp.Queue, item: object, parent: int) -> None:
    """Put ITEM, waiting for room while the writer is alive (if it dies, so does this process)."""
    while True:
        try:
            queue.put(item, timeout=1)
            return
        except queue_module.Full:
            if os.getppid() != parent:
                os._exit(1)


def _produce(queue: mp.Queue, source_file: SourceFile, fmt: SourceFormat, structures: dict[str, int],
             chunk_lines: int, encode: Encoder, parent: int) -> None:
    # Parsing allocates millions of short-lived containers, and no reference cycles: collect
    # rarely, and never scan the objects inherited from the writer (the collections otherwise
    # took a tenth of the parsing time).
    gc.freeze()
    gc.set_threshold(20_000, 50, 1000)
    try:
        for chunk in _chunks(source_file, fmt, structures, chunk_lines, encode):
            _put(queue, chunk, parent)
        _put(queue, None, parent)
    except BaseException as exc:  # noqa: BLE001 - handed to the writer, which raises it
        _put(queue, RuntimeError(f"Erreur de lecture du fichier : {exc}"), parent)


def parsed_chunks(source_file: SourceFile, fmt: SourceFormat, structures: dict[str, int],
                  chunk_lines: int = CHUNK_LINES, encode: Encoder = list) -> Iterator[Chunk]:
    """Chunks in file order; parsed in a child process when the file is large and there is a core
    to spare. STRUCTURES maps the known codes of postes comptables to their ids."""
    size = source_file.path.stat().st_size
    if size < PARALLEL_FROM_BYTES or (os.cpu_count() or 1) < 2 or "fork" not in mp.get_all_start_methods():
        yield from _chunks(source_file, fmt, structures, chunk_lines, encode)
        return
    load_reference()  # loaded once here, shared with the forked parser
    context = mp.get_context("fork")
    queue: mp.Queue = context.Queue(maxsize=QUEUE_CHUNKS)
    worker = context.Process(target=_produce, daemon=True,
                             args=(queue, source_file, fmt, structures, chunk_lines, encode, os.getpid()))
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
