"""The concordance page: each request beside the published codings of the same alliance and war."""

from __future__ import annotations

from cstograph.output.site.markup import esc, link, page, status_badge, table


def _published(status: str, verdict: str, agrees: bool | None) -> str:
    if not verdict:
        return ""
    return esc(verdict) + (' <span class="contested">differs</span>' if agrees is False else "")


def concordance_page(data) -> bytes:
    # deferred to the first call: keeps cstograph.rules.concordance
    # out of importing cstograph.output.site.concordance_page
    from cstograph.rules.concordance import CITATION, summary_text

    rows = []
    for r in data.concordance:
        request = (link(data.href("request", r.request, 0), r.date) if ("request", r.request) in data.slugs
                   else esc(r.date))
        rows.append([request, esc(f"{r.requester_label} → {r.addressee_label}"), esc(r.obligation_label),
                     esc(r.atop_id), esc(f"{r.war_label} (COW {r.cow_war})") + f"<br><code>{esc(r.source_record)}</code>",
                     status_badge(r.status), _published(r.status, r.llm, r.agrees_with_llm),
                     _published(r.status, r.bf, r.agrees_with_bf), esc(r.llm_lenient), esc(r.bf_lenient),
                     esc("; ".join(r.readings_agreeing_with(r.llm)))])
    body = ("<p>This project's verdict on each request beside the verdicts of two published codings on the same "
            "alliance (ATOP id) in the same war (Correlates of War number): Leeds, Long and Mitchell (LLM) and "
            "Berkemeier and Fuhrmann (BF). A request judges one appeal about the events it names; an observation "
            "judges an alliance over a whole war, and LLM and BF count entering the war as honouring a defence "
            "pact. Why each bundled row differs is explained in the project's docs/concordance.md.</p>\n"
            + (f"<p>{esc(summary_text(data.concordance))}</p>\n" if data.concordance else "")
            + table(["date", "request", "obligation", "ATOP", "war (row of the published file)", "this project", "LLM",
                     "BF", "LLM lenient", "BF lenient", "readings of the manual that give LLM's verdict"], rows,
                    empty="No request matches a published observation of the same alliance and war.")
            + f"\n<p>{esc(CITATION)}</p>")
    return page("Concordance with the published codings", body, depth=0, viewpoint=data.viewpoint)
