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
* the batches follow the query's ORDER BY (the main pattern's rows read in that order), so their
  answers, appended, are the unbound query's answer line for line.

Nothing of a rule is stated here: every row comes from the shipped text, fragments included,
evaluated by Oxigraph; a sub-select answered once is the same sub-select's answer, only read
before the batch rather than within it. A query this cannot rewrite (no plain main pattern, an
ORDER BY on something else, blank nodes where VALUES cannot hold them) is answered unbound.
"""

from __future__ import annotations

import io
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
# A table answered once that grows past this many rows is left in the query (bounded memory).
ONCE_TABLE_ROWS = 250_000

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
    rows: dict[str, list[str]] | list[str] = field(default_factory=list)


class NotBatchable(Exception):
    """The query's shape does not allow batches; it is answered unbound."""


@dataclass
class BatchPlan:
    """The shipped query cut into the text around the places each batch fills in."""

    text: str
    prologue: str
    main_variables: tuple[str, ...]
    order: tuple[str, ...]
    keys_query: str
    subselects: list[_SubSelect]
    outer_where: int

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

    def batch_text(self, keys: list[tuple[str, ...]], values: dict[str, set[str]],
                   cuts: dict[int, list[str]] | None = None) -> str:
        """The query bound to one batch: ``keys`` the batch's ORDER BY tuples, ``values`` the
        values the main pattern binds in the batch, by variable; ``cuts`` the values of each
        "cut" sub-select's key (by its index; one missing is left uncut)."""
        requests = " ".join(dict.fromkeys(key[self.order.index(BATCH_VARIABLE)] for key in keys))
        request_block = f" VALUES ?{BATCH_VARIABLE} {{ {requests} }} "
        if len(self.order) == 1:
            top = request_block
        else:  # a request with two dates is in the batch of each, bound to that date there
            top = (f" VALUES ({' '.join('?' + name for name in self.order)}) {{ "
                   + " ".join(f"({' '.join(key)})" for key in keys) + " } ")
        edits: list[tuple[int, int, str]] = [(self.outer_where + 1, self.outer_where + 1, top)]
        for number, sub in enumerate(self.subselects):
            if sub.kind == "cut" and cuts is not None and number in cuts:
                edits.append((sub.where + 1, sub.where + 1, f" VALUES ?{sub.key} {{ {' '.join(cuts[number])} }} "))
            elif sub.kind == "bound":
                edits.append((sub.where + 1, sub.where + 1, request_block))
            elif sub.kind == "once":
                edits.append((sub.select, sub.end - 1, _values_block(sub, values)))
        parts, at = [], 0
        for begin, finish, insert in sorted(edits):
            if begin < at:
                continue  # within a sub-select already replaced by its table
            parts += [self.text[at:begin], insert]
            at = finish
        parts.append(self.text[at:])
        return "".join(parts)


def _values_block(sub: _SubSelect, values: dict[str, set[str]]) -> str:
    if sub.key is None:
        rows = sub.rows
    else:
        rows = [row for value in values[sub.key] for row in sub.rows.get(value, ())]
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
    order = _order_variables(tokens[outer_end + 1:])
    main, main_end = _main_pattern(tokens, outer, outer_end)
    main_variables = tuple(dict.fromkeys(t.text[1:] for t in main if t.kind == "var"))
    if BATCH_VARIABLE not in order or not set(order) <= set(main_variables):
        raise NotBatchable("the answer is not ordered by the request and the main pattern's variables")
    prologue = text[:tokens[select_at].start]
    main_text = text[tokens[outer].end:tokens[main_end].start] if main_end < len(tokens) else ""
    keys_query = (f"{prologue}SELECT {' '.join('?' + v for v in main_variables)} WHERE {{ {main_text} }} "
                  f"ORDER BY {' '.join('?' + v for v in order)}")
    subs = _subselects(tokens, closing, outer, outer_end)
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
                         next((name for name in sub.projected if name in main_variables), None))
    return BatchPlan(text, prologue, main_variables, order, keys_query, subs, tokens[outer].start)


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


def _answer_once(engine, text: str, prologue: str, tokens: list[Token], sub: _SubSelect, key: str | None) -> None:
    """Answer ``sub`` over the store and keep its rows (the columns used outside it), or leave it
    in the query when its rows cannot be written in VALUES or are too many."""
    outside = {t.text[1:] for t in tokens if not sub.start <= t.start < sub.end and t.kind == "var"}
    columns = tuple(name for name in sub.projected if name in outside or name == key)
    rows: dict[str, list[str]] | list[str] = {} if key is not None else []
    count = 0
    for solution in engine.raw_query(prologue + text[sub.select:sub.end - 1]):
        cells = []
        for name in columns:
            term = solution[name]
            if term is None:
                cells.append("UNDEF")
            elif type(term).__name__ == "BlankNode":
                return  # VALUES cannot name a blank node: left in the query
            else:
                cells.append(str(term))
        row = f"({' '.join(cells)})"
        if key is None:
            rows.append(row)
        else:
            value = cells[columns.index(key)]
            if value == "UNDEF":
                continue  # joins nothing the batch binds
            rows.setdefault(value, []).append(row)
        count += 1
        if count > ONCE_TABLE_ROWS or (key is None and count > WHOLE_TABLE_ROWS):
            return
    sub.kind, sub.key, sub.columns, sub.rows = "once", key, columns, rows


def _matching_braces(tokens: list[Token]) -> dict[int, int]:
    stack, pairs = [], {}
    for number, token in enumerate(tokens):
        if token.kind == "punct" and token.text == "{":
            stack.append(number)
        elif token.kind == "punct" and token.text == "}" and stack:
            pairs[stack.pop()] = number
    return pairs


def _order_variables(modifiers: list[Token]) -> tuple[str, ...]:
    """The variables of 'ORDER BY ?a ?b', the only solution modifier a batched query may have."""
    texts = [t.text.upper() if t.kind == "word" else t.text for t in modifiers]
    if texts[:2] != ["ORDER", "BY"] or not all(t.kind == "var" for t in modifiers[2:]) or len(modifiers) < 3:
        raise NotBatchable("the only solution modifier must be ORDER BY over variables")
    return tuple(t.text[1:] for t in modifiers[2:])


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
    with open(path, "wb") as out:
        header = True
        try:
            for keys, values in _batches(engine, batches, size):
                buffer = io.BytesIO()
                requests = list(dict.fromkeys(key[batches.order.index(BATCH_VARIABLE)] for key in keys))
                bound = batches.batch_text(keys, values, batches.cut_values(engine, requests))
                engine.raw_query(bound).serialize(buffer, format=ox.QueryResultsFormat.TSV)
                data = buffer.getvalue()
                out.write(data if header else data.split(b"\n", 1)[1] if b"\n" in data else b"")
                header = False
        except NotBatchable:
            out.close()
            path.unlink(missing_ok=True)
            return False
        if header:  # no request: the unbound query's (empty) answer, for its header
            engine.raw_query(text).serialize(out, format=ox.QueryResultsFormat.TSV)
    return True


def _batches(engine, batches: BatchPlan, size: int) -> Iterator[tuple[list[tuple[str, ...]], dict[str, set[str]]]]:
    """The main pattern's rows in the answer's order, cut into batches of ``size`` ORDER BY
    tuples (all the rows of one tuple in the same batch)."""
    names = batches.main_variables
    positions = [names.index(name) for name in batches.order]
    keys: list[tuple[str, ...]] = []
    values: dict[str, set[str]] = {name: set() for name in names}
    for solution in engine.raw_query(batches.keys_query):
        row = []
        for name in names:
            term = solution[name]
            if type(term).__name__ == "BlankNode":
                raise NotBatchable("a blank node where VALUES cannot name it")
            row.append(str(term))
        key = tuple(row[p] for p in positions)
        if not keys or keys[-1] != key:
            if len(keys) >= size:
                yield keys, values
                keys, values = [], {name: set() for name in names}
            keys.append(key)
        for name, value in zip(names, row):
            values[name].add(value)
    if keys:
        yield keys, values
