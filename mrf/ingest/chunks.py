"""Parsed chunks of a source file, produced in this process or, for large files, in a parser
process beside the one that writes to the database (the two run on two cores at once)."""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import queue as queue_module
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from matching.reference import load_reference

from .bounds import FIELD_LIMIT
from .formats import SourceFormat
from .parse import LineParser, LineRejected, ParsedLine
from .reader import FileRefused, SourceFile

CHUNK_LINES = 5000
PARALLEL_FROM_BYTES = 8 * 1024 * 1024
QUEUE_CHUNKS = 4  # bounded: the parser never runs more than a few chunks ahead (constant memory)

Encoder = Callable[[list[tuple]], object]


@dataclass
class Chunk:
    """Consecutive lines of a file, as rows ready for the staging tables (see staging.py).

    One row per créance reference: a reference repeated within the chunk keeps its first line; a
    later line with the same values is counted in DUPLICATES, one with other values is rejected.
    One row per debtor key, from the last accepted line with that key. The rows are tuples, or what
    the encoder given to `parsed_chunks` made of them (so that the parser process does that work).
    The references repeated across chunks are found by the database (staging.take_repeats)."""

    lines: int
    records: object  # rows (seq, source_key, *IDENTITY_FIELDS)
    creances: object  # rows (seq, *CREANCE_FIELDS, source_key, structure_id, line, digest)
    count: int  # number of créance rows
    rejected: list[tuple[int, str, list[str]]]
    duplicates: int = 0  # lines identical to an earlier line of the chunk with the same reference
    # The situations the accepted lines declare: (line, source_key, kind, date ISO, reference), one per line
    # (a line may yet be taken out by staging.take_repeats; the step keeps each situation once).
    situations: list[tuple[int, str, str, str, str]] = field(default_factory=list)
    prestaged: int | None = None  # SQLite: the chunk's number in the prestaging tables (staging.prestage)


def _chunks(source_file: SourceFile, fmt: SourceFormat, structures: dict[str, int], chunk_lines: int,
            encode: Encoder) -> Iterator[Chunk]:
    parser = LineParser(fmt, source_file.header, load_reference(), set(structures))
    rows = source_file.rows()
    while batch := list(islice(rows, chunk_lines)):
        yield _chunk(parser, batch, structures, encode)


def _chunk(parser: LineParser, batch: list[tuple[int, list[str] | None]], structures: dict[str, int],
           encode: Encoder) -> Chunk:
    identities: dict[str, tuple] = {}
    creances: dict[str, tuple[ParsedLine, int]] = {}
    rejected = []
    duplicates = 0
    situations: list[tuple[int, str, str, str, str]] = []
    for line, row in batch:
        if row is None:
            rejected.append((line, f"Champ de plus de {FIELD_LIMIT} caractères : ligne illisible", []))
            continue
        try:
            parsed = parser.parse(line, row)
        except LineRejected as exc:
            rejected.append((line, str(exc), row))
            continue
        reference = parsed.creance[0]
        # The line's whole content, to tell a repeated line from a conflicting one (hash(): the
        # digests of one file are all made by this process, and fit a BIGINT).
        digest = hash((parsed.source_key, parsed.identity, parsed.creance, parsed.structure_code, parsed.situation))
        first = creances.get(reference)
        if first is not None:
            if first[1] == digest:
                duplicates += 1
            else:
                rejected.append((line, conflict_reason(reference, first[0].line), row))
            continue
        creances[reference] = (parsed, digest)
        identities[parsed.source_key] = parsed.identity
        if parsed.situation is not None:
            situations.append((line, parsed.source_key, *parsed.situation))
    return Chunk(
        lines=len(batch),
        records=encode([(seq, key, *identity) for seq, (key, identity) in enumerate(identities.items())]),
        creances=encode([(seq, *p.creance, p.source_key, structures[p.structure_code], p.line, digest)
                         for seq, (p, digest) in enumerate(creances.values())]),
        count=len(creances), rejected=rejected, duplicates=duplicates,
        situations=situations)


def conflict_reason(reference: str, first_line: int) -> str:
    return (f"Référence « {reference} » déjà présente ligne {first_line} du fichier avec d'autres valeurs "
            "(une seule ligne par créance)")


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
    except FileRefused as exc:  # the writer refuses the file as if it had read it itself
        _put(queue, FileRefused(str(exc)), parent)
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
