"""One reading of a SPARQL query's text, shared by the guard and every engine.

rdflib and Oxigraph tokenise the same text differently at its edges: rdflib's ``#`` comment
runs on through a carriage return where Oxigraph's ends, Oxigraph reads codepoint escapes only
inside strings, and the two disagree on what counts as whitespace. A query that one parser
reads as a comment and the other as a SERVICE call used to pass the guard and reach the
network. So the text is tokenised once, here, by the SPARQL 1.1 grammar's terminals (section
19.8), and rewritten as a canonical text with none of those edges: no comments, no whitespace
but spaces and line feeds, every string in one quoted form, no escape outside strings. The
guard judges that text and the engine runs that text, so there is nothing left for two parsers
to read two ways.

Anything the tokeniser cannot place (a form feed or U+2028 between tokens, a backslash outside a
string, an unterminated string or IRI) is refused rather than guessed at.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from cstograph.errors import QueryError, UnsafeQueryError

# Character classes of the SPARQL 1.1 grammar (section 19.8).
_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
         "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_PLX = "%[0-9A-Fa-f]{2}"  # PN_LOCAL_ESC (a backslash) is refused: write the IRI in full instead
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_ECHAR = r"\\[tbnrf\\\"']"

_TOKEN = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in [
    ("ws", r"[ \t\r\n]+"),  # WS: exactly these four (section 19.8, rule 162)
    ("comment", r"#[^\r\n]*"),  # a comment ends at the first CR or LF (rule 19.4)
    ("long2", f'"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}))*"""'),
    ("long1", f"'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}))*'''"),
    ("string2", f'"(?:[^"\\\\\\n\\r]|{_ECHAR})*"'),
    ("string1", f"'(?:[^'\\\\\\n\\r]|{_ECHAR})*'"),
    ("iri", r'<[^<>"{}|^`\\\x00-\x20\x7f-\x9f]*>'),  # no C1 control: Oxigraph refuses them (RFC 3987)
    ("pname", f"(?:{_PREFIX})?:(?:{_LOCAL})?"),
    ("bnode", f"_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?"),
    ("var", f"[?$][{_U}0-9][{_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"),
    ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("number", r"[+-]?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+"
               r"|[0-9]*\.[0-9]+|[0-9]+)"),
    ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("punct", r"\^\^|\|\||&&|!=|<=|>=|[{}()\[\],;.*+\-/=<>!|^?$]"),
]))

_ESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_CODEPOINT = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")

# Keywords that reach outside the loaded data (SERVICE, FROM) or change it (updates).
NETWORK_KEYWORDS = frozenset({"SERVICE", "FROM"})
UPDATE_KEYWORDS = frozenset({"LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})


@dataclass(frozen=True)
class Token:
    kind: str
    text: str  # canonical text (strings re-quoted)
    line: int
    start: int
    end: int


def _string_value(kind: str, raw: str) -> str:
    body = raw[3:-3] if kind.startswith("long") else raw[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPED[m.group(1)], body, flags=re.S)


_QUOTED = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
                         "\f": "\\f"})


def _quoted(value: str) -> str:
    """A string in the one form both parsers read alike: double quotes, and every character that
    has an escape escaped (rdflib's parser turns a raw tab into spaces)."""
    return '"' + value.translate(_QUOTED) + '"'


def tokenize(text: str, source: str = "query") -> list[Token]:
    """The tokens of ``text`` (codepoint escapes already resolved), comments and whitespace left
    out; raises QueryError at the first character no terminal of the grammar starts with."""
    tokens: list[Token] = []
    at, line = 0, 1
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            char = text[at]
            raise QueryError(f"{source}: SPARQL syntax error at line {line}: character U+{ord(char):04X} "
                             f"({unicodedata.name(char, 'a control character')}) cannot start a token",
                             hint="outside strings and comments SPARQL allows only space, tab, CR and LF as "
                                  "whitespace (and cstograph no backslash); close every string and IRI")
        kind, raw = match.lastgroup, match.group(0)
        if kind in ("string1", "string2", "long1", "long2"):
            tokens.append(Token("string", _quoted(_string_value(kind, raw)), line, match.start(), match.end()))
        elif kind not in ("ws", "comment"):
            tokens.append(Token(kind, raw, line, match.start(), match.end()))
        line += raw.count("\n") + raw.count("\r") - raw.count("\r\n")
        at = match.end()
    return tokens


def canonical_text(text: str, source: str = "query") -> tuple[str, list[Token]]:
    """``text`` rewritten from its tokens: tokens that touched still touch, tokens apart are
    one space apart (line feeds where lines ended, so error messages keep their line numbers);
    no comment, no other whitespace, strings in double quotes with their escapes."""
    tokens = tokenize(text, source)
    parts: list[str] = []
    line = 1
    for number, token in enumerate(tokens):
        if number and token.start != tokens[number - 1].end:
            parts.append("\n" * (token.line - line) if token.line > line else " ")
            line = max(line, token.line)
        parts.append(token.text)
    canonical = "".join(parts)
    if _CODEPOINT.search(canonical):
        raise UnsafeQueryError(f"{source}: a string holding a backslash followed by u or U and hex digits is refused",
                               hint="parsers disagree on whether it is an escape; write the characters another way")
    return canonical, tokens


def reaching_keywords(tokens: list[Token]) -> set[str]:
    """The keywords among ``tokens`` that reach outside the data or change it (upper case)."""
    return {token.text.upper() for token in tokens
            if token.kind == "word" and token.text.upper() in NETWORK_KEYWORDS | UPDATE_KEYWORDS}
