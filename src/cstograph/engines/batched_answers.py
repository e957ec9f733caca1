"""A kept answer computed a batch of requests at a time, so that its memory does not grow with
the store.

Oxigraph holds a query's joins, groups and order in memory: ``request-status`` over a 10M-triple
store grew the loading process from 339 MB to 2.8 GB. Bound with VALUES to a batch of requests,
the shipped query holds one batch only, but each batch then re-ran the sub-selects about
something other than the request (an obligation's treaty and trigger, the states' labels, the
memberships) over the whole store: about 6 s a batch at 10M. So the shipped text is rewritten:

* a sub-select that does not project ``?request`` is answered once over the store; its rows
  (they grow with the states, alliances and clauses, not with the requests) are kept here and
  given to each batch as a VALUES table, of the rows that batch can join when the sub-select is
  keyed on a variable the query's main pattern binds (its requester, addressee, obligation);
* the sub-selects that project ``?request`` and the query's own WHERE group are bound to the
  batch's requests with VALUES, as ``queries.inline_value_list`` binds a parameter; one that
  starts from data most graphs hold little of (``COMPUTED_ONCE``: the suspensions) is answered
  once too and joined on the request;
* the batches follow the query's ORDER BY: its variables up to ``?request`` (the partition:
  ``?date ?request`` for request-status, ``?request`` for responses and request-sources), which
  the main pattern must bind, are read in that order; each batch holds whole partition tuples
  and orders its own rows by the rest, so their answers, appended, are the unbound query's answer
  line for line (where the ORDER BY leaves two rows tied, the engine's order between them may
  differ: the kept queries order their rows totally). The main pattern is the WHERE group's opening triple patterns with the plain OPTIONALs
  that bind an ORDER BY variable (request-labels: the date), or those of a leading sub-select
  (unmet-obligations); a GROUP BY must group on the partition, so that no group spans batches.

The rows of the sub-selects answered once are kept in a temporary SQLite file, not in memory, and
read back per batch for its keys: they grow with the states and clauses of the graph, and the
batches hold only their own.

Nothing of a rule is stated here: every row comes from the shipped text, fragments included,
evaluated by Oxigraph; a sub-select answered once is the same sub-select's answer, only read
before the batch rather than within it. A query this cannot rewrite (no plain main pattern, an
ORDER BY that does not start with variables the main pattern binds, blank nodes where VALUES
cannot hold them) is answered unbound.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cstograph.engines.sparql_text import Token, tokenize

# Requests per batch. Oxigraph answered request-status bound to 1,000 requests of a 1M-triple
# store in 0.66 s and to 1,500 in 4.7 s (it changes its plan past about a thousand VALUES rows).
ANSWER_BATCH = 1000
BATCH_VARIABLE = "request"
# Sub-selects that project ?request but are answered once over the store and joined on it: the
# suspension rule starts from the cg:Suspension nodes (none in most data), and bound to a batch
# it would read every labelled node again for the names it quotes.
COMPUTED_ONCE = frozenset({"suspensionText"})
# A table answered once is given whole to every batch when it cannot be cut to the batch's keys,
# if it has at most this many rows; a larger one is left in the query.
WHOLE_TABLE_ROWS = 200
# Keys per SQLite look-up of a table answered once (SQLite's bound on parameters is 999 in old builds).
LOOKUP_KEYS = 500

_MAIN_PATTERN_ENDS = frozenset({"OPTIONAL", "MINUS", "FILTER", "BIND", "VALUES", "SERVICE", "GRAPH", "UNION"})


@dataclass
class _SubSelect:
    start: int  # offset of the '{' opening the group the SELECT stands in
    end: int  # offset just past that group's '}'
    select: int  # offset of the SELECT keyword
    where: int  # offset of the '{' opening its WHERE group
    projected: tuple[str, ...]
    optional: bool  # the right side of an OPTIONAL
    parent: int | None = None  # index of the innermost sub-select around it
    # "bound": VALUES ?request; "once": a VALUES table; "cut": VALUES ?key; "engine": left as it is
    kind: str = "engine"
    key: str | None = None  # the variable a "once" table or a "cut" sub-select is cut on per batch
    predicate: str | None = None  # "cut": the predicate that binds ``key`` from ?request in its parent
    columns: tuple[str, ...] = ()
    rows: list[str] = field(default_factory=list)  # "once" without a key: the whole table
    table: int | None = None  # "once" with a key: its rows' number in the plan's OnceTables


class NotBatchable(Exception):
    """The query's shape does not allow batches; it is answered unbound."""


class OnceTables:
    """The rows of the sub-selects answered once that each batch gets cut to its keys, in a
    private temporary SQLite file (SQLite deletes it when it is closed): they grow with the
    states, alliances and clauses of the graph, so they are read back per batch, a few hundred
    keys at a time, rather than held."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("")  # "": a temporary database on disk, not in memory
        self.db.execute("CREATE TABLE once (tab INTEGER, key TEXT, row TEXT)")
        self.tables = 0
        self.indexed = False

    def new(self) -> int:
        self.tables += 1
        return self.tables - 1

    def add(self, table: int, rows: list[tuple[str, str]]) -> None:
        self.db.executemany("INSERT INTO once VALUES (?, ?, ?)", ((table, key, row) for key, row in rows))

    def drop(self, table: int) -> None:
        self.db.execute("DELETE FROM once WHERE tab = ?", (table,))

    def rows(self, table: int, keys) -> list[str]:
        """The rows of ``table`` whose key is one of ``keys``, in the order they were answered."""
        if not self.indexed:
            self.db.execute("CREATE INDEX once_key ON once (tab, key)")
            self.indexed = True
        keys, found = list(keys), []
        for at in range(0, len(keys), LOOKUP_KEYS):
            chunk = keys[at:at + LOOKUP_KEYS]
            found += [(rowid, row) for rowid, row in self.db.execute(
                f"SELECT rowid, row FROM once WHERE tab = ? AND key IN ({','.join('?' * len(chunk))})",
                (table, *chunk))]
        return [row for _, row in sorted(found)]

    def close(self) -> None:
        self.db.close()


@dataclass
class BatchPlan:
    """The shipped query cut into the text around the places each batch fills in."""

    text: str
    prologue: str
    partition: tuple[str, ...]  # the leading ORDER BY variables the batches are cut on, in order
    keys_query: str  # the partition's values (then the keys of the tables answered once), in order
    key_columns: tuple[str, ...]
    subselects: list[_SubSelect]
    outer_where: int
    tables: OnceTables

    def cut_values(self, engine, requests: list[str]) -> dict[int, list[str]]:
        """The values each "cut" sub-select's key takes for ``requests`` (none for a sub-select
        whose values include a blank node, which VALUES cannot name: it is left uncut)."""
        cuts = {}
        block = " ".join(requests)
        for number, sub in enumerate(self.subselects):
            if sub.kind != "cut":
                continue
            found = []
            for solution in engine.raw_query(f"{self.prologue}SELECT DISTINCT ?{sub.key} WHERE {{ VALUES "
                                             f"?{BATCH_VARIABLE} {{ {block} }} ?{BATCH_VARIABLE} {sub.predicate} "
                                             f"?{sub.key} }}"):
                term = solution[sub.key]
                if type(term).__name__ == "BlankNode":
                    break
                found.append(str(term))
            else:
                cuts[number] = found
        return cuts

    def requests(self, keys: list[tuple[str, ...]]) -> list[str]:
        at = self.partition.index(BATCH_VARIABLE)
        return list(dict.fromkeys(key[at] for key in keys))

    def batch_text(self, keys: list[tuple[str, ...]], values: dict[str, set[str]],
                   cuts: dict[int, list[str]] | None = None) -> str:
        """The query bound to one batch: ``keys`` the batch's partition tuples, ``values`` the
        values the main pattern binds in the batch, by variable; ``cuts`` the values of each
        "cut" sub-select's key (by its index; one missing is left uncut)."""
        request_block = f" VALUES ?{BATCH_VARIABLE} {{ {' '.join(self.requests(keys))} }} "
        if self.partition == (BATCH_VARIABLE,):
            top = request_block
        else:  # a request with two dates is in the batch of each, bound to that date there
            top = (f" VALUES ({' '.join('?' + name for name in self.partition)}) {{ "
                   + " ".join(f"({' '.join(key)})" for key in keys) + " } ")
        edits: list[tuple[int, int, str]] = [(self.outer_where + 1, self.outer_where + 1, top)]
        for number, sub in enumerate(self.subselects):
            if sub.kind == "cut" and cuts is not None and number in cuts:
                edits.append((sub.where + 1, sub.where + 1, f" VALUES ?{sub.key} {{ {' '.join(cuts[number])} }} "))
            elif sub.kind == "bound":
                edits.append((sub.where + 1, sub.where + 1, request_block))
            elif sub.kind == "once":
                edits.append((sub.select, sub.end - 1, self._values_block(sub, values)))
        parts, at = [], 0
        for begin, finish, insert in sorted(edits):
            if begin < at:
                continue  # within a sub-select already replaced by its table
            parts += [self.text[at:begin], insert]
            at = finish
        parts.append(self.text[at:])
        return "".join(parts)

    def _values_block(self, sub: _SubSelect, values: dict[str, set[str]]) -> str:
        rows = sub.rows if sub.key is None else self.tables.rows(sub.table, values[sub.key])
        head = " ".join("?" + name for name in sub.columns)
        return f"VALUES ({head}) {{ {' '.join(rows)} }} "


def plan(engine, text: str) -> BatchPlan:
    """Read the query's shape and answer its once-computed sub-selects over ``engine``'s store.
    Raises NotBatchable for a query whose rows batches could not reproduce."""
    tokens = tokenize(text)
    select_at = next((n for n, t in enumerate(tokens) if t.kind == "word" and t.text.upper() == "SELECT"), None)
    if select_at is None:
        raise NotBatchable("not a SELECT query")
    closing = _matching_braces(tokens)
    outer = next((n for n in range(select_at, len(tokens)) if tokens[n].text == "{" and tokens[n].kind == "punct"),
                 None)
    if outer is None:
        raise NotBatchable("no WHERE group")
    if any(t.kind == "punct" and t.text == "*" for t in tokens[select_at + 1:outer]):
        raise NotBatchable("SELECT *: every variable of a sub-select is projected")
    outer_end = closing[outer]
    group, order = _modifiers(tokens[outer_end + 1:])
    subs = _subselects(tokens, closing, outer, outer_end)
    prologue = text[:tokens[select_at].start]
    leading = _leading_subselect(tokens, outer, subs)
    if leading is not None:  # { SELECT ... } first: its opening triple patterns are the main pattern
        where = next(n for n, t in enumerate(tokens) if t.start == leading.where)
        main, main_end = _main_pattern(tokens, where, closing[where])
        main_text = text[tokens[where].end:tokens[main_end].start]
        key_variables = [name for name in dict.fromkeys(t.text[1:] for t in main if t.kind == "var")
                         if name in leading.projected]
    else:
        main, main_end = _main_pattern(tokens, outer, outer_end)
        main_text = text[tokens[outer].end:tokens[main_end].start]
        key_variables = list(dict.fromkeys(t.text[1:] for t in main if t.kind == "var"))
        for start, end, names in _plain_optionals(tokens, closing, outer, outer_end):
            if any(name in order and name not in key_variables for name in names):
                main_text += f" {text[tokens[start].start:tokens[end].end]} "
                key_variables += [name for name in names if name not in key_variables]
    # cut on the ORDER BY variables up to the request's: every row of a request is then in one
    # batch, which orders its rows by the rest
    partition = list(order[:order.index(BATCH_VARIABLE) + 1]) if BATCH_VARIABLE in order else []
    if not partition or not set(partition) <= set(key_variables):
        raise NotBatchable("the answer is not ordered first by the request and variables the main pattern binds")
    if group is not None and not set(partition) <= set(group):
        raise NotBatchable("a group could span two batches")
    tables = OnceTables()
    for sub in subs:
        parent = subs[sub.parent] if sub.parent is not None else None
        if parent is not None and parent.kind != "bound":
            sub.kind = "inside"  # within a sub-select answered once or left as it is
        elif BATCH_VARIABLE in sub.projected and not COMPUTED_ONCE & set(sub.projected):
            sub.kind = "bound"
        elif parent is not None:
            # within a sub-select bound to the batch: cut in place to the values its parent reads
            # from the batch's requests (a VALUES table there would drive Oxigraph's plan: it
            # started from the table's rows and read every request of each, 0.86 s a batch of
            # 1,000 at 1M triples against 0.08 s cut in place)
            found = _bound_in(text, parent, sub)
            if found is not None:
                sub.kind, (sub.key, sub.predicate) = "cut", found
        elif sub.optional:
            _answer_once(engine, text, prologue, tokens, sub,
                         next((name for name in sub.projected if name in key_variables), None), tables)
    once_keys = [sub.key for sub in subs if sub.kind == "once" and sub.key is not None]
    columns = tuple(dict.fromkeys(partition + once_keys))
    keys_query = (f"{prologue}SELECT DISTINCT {' '.join('?' + v for v in columns)} WHERE {{ {main_text} }} "
                  f"ORDER BY {' '.join('?' + v for v in partition)}")
    return BatchPlan(text, prologue, tuple(partition), keys_query, columns, subs, tokens[outer].start, tables)


def _leading_subselect(tokens: list[Token], outer: int, subs: list[_SubSelect]) -> _SubSelect | None:
    """The sub-select that opens the WHERE group ('{ { SELECT'), if it projects the request."""
    first, second = tokens[outer + 1], tokens[outer + 2] if outer + 2 < len(tokens) else None
    if not (first.kind == "punct" and first.text == "{" and second is not None and second.kind == "word"
            and second.text.upper() == "SELECT"):
        return None
    leading = next(sub for sub in subs if sub.start == first.start)
    after = next((t for t in tokens if t.start >= leading.end), None)
    if after is not None and after.kind == "word" and after.text.upper() == "UNION":
        return None  # its rows are not the only ones: the keys would miss the other branch's
    return leading if BATCH_VARIABLE in leading.projected else None


def _plain_optionals(tokens: list[Token], closing: dict[int, int], outer: int, outer_end: int):
    """(first token, last token, variables) of each OPTIONAL of the WHERE group itself that holds
    triple patterns alone (no group, FILTER or BIND)."""
    number = outer + 1
    while number < outer_end:
        token = tokens[number]
        if token.kind == "punct" and token.text == "{":
            number = closing[number] + 1
            continue
        if token.kind == "word" and token.text.upper() == "OPTIONAL" and tokens[number + 1].text == "{":
            end = closing[number + 1]
            inside = tokens[number + 2:end]
            if not any((t.kind == "punct" and t.text in "{}()") or (t.kind == "word" and t.text != "a")
                       for t in inside):
                yield number, end, tuple(dict.fromkeys(t.text[1:] for t in inside if t.kind == "var"))
            number = end + 1
            continue
        number += 1


def _bound_in(text: str, parent: _SubSelect, sub: _SubSelect) -> tuple[str, str] | None:
    """(variable, predicate) when ``sub`` projects a variable that its parent's own pattern (the
    nested sub-select left out) binds as '?request PREDICATE ?variable': in the parent, bound to
    the batch's requests, the variable then holds only the values those requests have."""
    own = tokenize(text[parent.where:sub.start] + text[sub.end:parent.end])
    for name in sub.projected:
        subject = None
        for number, token in enumerate(own[:-1]):
            if token.kind == "punct" and token.text in ".{}":
                subject = None
            elif subject is None and token.kind == "var":
                subject = token.text[1:]
            elif (subject == BATCH_VARIABLE and token.kind in ("pname", "iri") and own[number + 1].kind == "var"
                  and own[number + 1].text[1:] == name and own[number - 1].text in (";", "?" + BATCH_VARIABLE)):
                return name, token.text
    return None


def _answer_once(engine, text: str, prologue: str, tokens: list[Token], sub: _SubSelect, key: str | None,
                 tables: OnceTables) -> None:
    """Answer ``sub`` over the store and keep its rows (the columns used outside it) in
    ``tables``, or leave it in the query when its rows cannot be written in VALUES (a blank node)
    or, having no key to cut them on, are too many to give whole to every batch."""
    outside = {t.text[1:] for t in tokens if not sub.start <= t.start < sub.end and t.kind == "var"}
    columns = tuple(name for name in sub.projected if name in outside or name == key)
    whole: list[str] = []
    keyed: list[tuple[str, str]] = []
    table = tables.new() if key is not None else None
    for solution in engine.raw_query(prologue + text[sub.select:sub.end - 1]):
        cells = []
        for name in columns:
            term = solution[name]
            if term is None:
                cells.append("UNDEF")
            elif type(term).__name__ == "BlankNode":
                if table is not None:
                    tables.drop(table)
                return  # VALUES cannot name a blank node: left in the query
            else:
                cells.append(str(term))
        row = f"({' '.join(cells)})"
        if table is None:
            whole.append(row)
            if len(whole) > WHOLE_TABLE_ROWS:
                return
            continue
        value = cells[columns.index(key)]
        if value != "UNDEF":  # else it joins nothing the batch binds
            keyed.append((value, row))
        if len(keyed) >= 10_000:
            tables.add(table, keyed)
            keyed = []
    if table is not None:
        tables.add(table, keyed)
    sub.kind, sub.key, sub.columns, sub.rows, sub.table = "once", key, columns, whole, table


def _matching_braces(tokens: list[Token]) -> dict[int, int]:
    stack, pairs = [], {}
    for number, token in enumerate(tokens):
        if token.kind == "punct" and token.text == "{":
            stack.append(number)
        elif token.kind == "punct" and token.text == "}" and stack:
            pairs[stack.pop()] = number
    return pairs


def _modifiers(modifiers: list[Token]) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
    """The variables of 'GROUP BY ?a ?b' (None without one) and of 'ORDER BY ?c ?d', the only
    solution modifiers a batched query may have."""
    def words(at: int) -> list[str]:
        return [t.text.upper() for t in modifiers[at:at + 2] if t.kind == "word"]

    group, at = None, 0
    if words(0) == ["GROUP", "BY"]:
        end = 2
        while end < len(modifiers) and modifiers[end].kind == "var":
            end += 1
        group, at = tuple(t.text[1:] for t in modifiers[2:end]), end
        if not group:
            raise NotBatchable("GROUP BY on something other than variables")
    rest = modifiers[at:]
    if words(at) != ["ORDER", "BY"] or len(rest) < 3 or not all(t.kind == "var" for t in rest[2:]):
        raise NotBatchable("the only solution modifiers must be GROUP BY and ORDER BY over variables")
    return group, tuple(t.text[1:] for t in rest[2:])


def _main_pattern(tokens: list[Token], outer: int, outer_end: int) -> tuple[list[Token], int]:
    """The triple patterns that open the WHERE group, up to its first OPTIONAL, FILTER, group..."""
    number = outer + 1
    while number < outer_end and not _ends_main_pattern(tokens[number]):
        number += 1
    main = tokens[outer + 1:number]
    if not main or not any(t.kind == "var" and t.text[1:] == BATCH_VARIABLE for t in main):
        raise NotBatchable("the WHERE group does not open with triple patterns about ?request")
    return main, number


def _ends_main_pattern(token: Token) -> bool:
    return ((token.kind == "word" and token.text.upper() in _MAIN_PATTERN_ENDS)
            or (token.kind == "punct" and token.text in ("{", "}")))


def _subselects(tokens: list[Token], closing: dict[int, int], outer: int, outer_end: int) -> list[_SubSelect]:
    found: list[_SubSelect] = []
    for number in range(outer + 1, outer_end):
        token = tokens[number]
        if token.kind != "word" or token.text.upper() != "SELECT":
            continue
        opening = tokens[number - 1]
        if opening.kind != "punct" or opening.text != "{":
            raise NotBatchable("a SELECT not at the opening of a group")
        projected, depth, where = [], 0, None
        for after in range(number + 1, outer_end):
            item = tokens[after]
            if item.kind == "punct" and item.text in "()":
                depth += 1 if item.text == "(" else -1
            elif item.kind == "punct" and item.text == "{" and depth == 0:
                where = after
                break
            elif item.kind == "var" and (depth == 0 or tokens[after - 1].text.upper() == "AS"):
                projected.append(item.text[1:])
        if where is None:
            raise NotBatchable("a sub-select without a WHERE group")
        group_end = closing[number - 1]
        before = tokens[number - 2]
        sub = _SubSelect(opening.start, tokens[group_end].end, token.start, tokens[where].start, tuple(projected),
                         optional=before.kind == "word" and before.text.upper() == "OPTIONAL")
        for index in range(len(found) - 1, -1, -1):
            if found[index].start < sub.start and sub.end <= found[index].end:
                sub.parent = index
                break
        found.append(sub)
    return found


def write_in_batches(engine, text: str, path: Path, size: int = ANSWER_BATCH) -> bool:
    """Write the answer of ``text`` to ``path`` as SPARQL TSV, computed ``size`` requests at a
    time (see the module's docstring). Returns False, writing nothing, when the query cannot be
    answered so; the caller then answers it unbound."""
    # deferred to the first call: keeps pyoxigraph out of importing cstograph.engines.batched_answers
    import pyoxigraph as ox

    try:
        batches = plan(engine, text)
    except NotBatchable:
        return False
    try:
        with open(path, "wb") as out:
            header = True
            for keys, values in _batches(engine, batches, size):
                buffer = io.BytesIO()
                bound = batches.batch_text(keys, values, batches.cut_values(engine, batches.requests(keys)))
                engine.raw_query(bound).serialize(buffer, format=ox.QueryResultsFormat.TSV)
                data = buffer.getvalue()
                out.write(data if header else data.split(b"\n", 1)[1] if b"\n" in data else b"")
                header = False
            if header:  # no request: the unbound query's (empty) answer, for its header
                engine.raw_query(text).serialize(out, format=ox.QueryResultsFormat.TSV)
    except NotBatchable:
        path.unlink(missing_ok=True)
        return False
    finally:
        batches.tables.close()
    return True


def _batches(engine, batches: BatchPlan, size: int) -> Iterator[tuple[list[tuple[str, ...]], dict[str, set[str]]]]:
    """The partition tuples in the answer's order, cut into batches of ``size``, with the values
    of the once-answered tables' keys that go with each batch."""
    names = batches.key_columns
    width = len(batches.partition)
    keys: list[tuple[str, ...]] = []
    values: dict[str, set[str]] = {name: set() for name in names}
    for solution in engine.raw_query(batches.keys_query):
        row = []
        for name in names:
            term = solution[name]
            if term is None:
                row.append("UNDEF")
            elif type(term).__name__ == "BlankNode":
                raise NotBatchable("a blank node where VALUES cannot name it")
            else:
                row.append(str(term))
        key = tuple(row[:width])
        if not keys or keys[-1] != key:
            if len(keys) >= size:
                yield keys, values
                keys, values = [], {name: set() for name in names}
            keys.append(key)
        for name, value in zip(names, row):
            if value != "UNDEF":
                values[name].add(value)
    if keys:
        yield keys, values
