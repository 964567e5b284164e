"""Acts toward the Convention and the verbs that carry statements.

`verb_events` finds a sentence's speech and act verbs (`data/speech_verbs.yaml`, `data/acts.yaml`); an act
counts when its object is the Convention or its ceremony (`act_ok`), not inside an indirect question, with
its polarity (`act_polarity`: negation, conditions; `call_polarity`: a call on others to sign or not). Acts
found without a subject and verb of their own: a list of signatories (`listed`: one row per country), nominal
acts and the press's praise of a role ("dưới sự chủ trì của X", "Nghị quyết … của X", "vai trò tiên phong của X"),
hosting told in narration ("LHQ chọn Hà Nội làm nơi mở ký", "Với vai trò là nước chủ nhà, X …": `hosting`), an
event held jointly ("họp báo với Thủ tướng X"), the actors of an opening "Ngoài X, …" (`side_actors`), and a
country `countries.find_mentions` saw act with no verb from the lexicons (`actor_act`).
"""

from __future__ import annotations

from dataclasses import dataclass

from vnpress.analyses.cues import sentence_cues
from vnpress.analyses.lexicon import HARD_BREAK, SOFT_BREAK, Lexicon, Sentence, at, content_end, ends_with
from vnpress.analyses.speakers import Speaker, State, entities_in, is_verb, resolve, statement_row, subject_start
from vnpress.util.phrases import match_phrases

# Act kinds (acts.yaml) that commit to nothing: a reservation cannot qualify them, and a verb in their scope is what
# was refused («không tham gia biểu quyết thông qua»).
UNCOMMITTED = frozenset({"refuse", "abstain", "undecided"})


@dataclass
class Event:
    """A speech or act verb in a sentence, with its type, kind and polarity from the lexicons."""

    a: int  # first verb token
    b: int  # end of the verb
    verb: str
    type: str  # speech | act | act_obj
    kind: str
    polarity: str
    pre: int  # first token of the adverbs before the verb


def verb_events(s: Sentence, lex: Lexicon, quotes: list[tuple[int, int]] = ()) -> list[Event]:
    """Speech and act verbs of a sentence, outside entities and quotations (a quote is its speaker's words)."""
    out = []
    entity_tokens = {k for ea, eb, _ in s.entities for k in range(ea, eb)}
    for a, b, (typ, kind, pol) in match_phrases(s.folded, lex.verbs, s.tokens):
        if any(k in entity_tokens for k in range(a, b)) or any(qa <= s.tstart[a] < qb for qa, qb in quotes):
            continue
        if ends_with(s.folded, a, lex.nominalizers if typ != "speech" else lex.speech_nominalizers):
            continue
        if at(s.folded, a, lex.org_anaphors) > b - a:
            continue  # «tổ chức này»: the organization spoken of, not the verb «tổ chức» (to organize)
        if typ == "speech" and ends_with(s.folded, a, lex.willing):
            continue  # "sẵn sàng chia sẻ kinh nghiệm": an offer, not a statement
        pre = a
        while pre > 0 and (n := ends_with(s.folded, pre, lex.adverbs)):
            pre -= n
        out.append(Event(a, b, s.span_text(a, b), typ, kind, pol, pre))
    return out


def act_ok(s: Sentence, e: Event, end: int, lex: Lexicon) -> bool:
    """An act with an object the Convention (or its ceremony), or a sign/ratify with no other object."""
    end = next((k for k in range(e.b, end) if s.tokens[k] in SOFT_BREAK), end)
    clause = s.folded[e.b:end]
    terms = lex.objects.get(e.kind, lex.object_terms)
    if any(at(clause, i, terms) for i in range(len(clause))):
        first = next((i for i, t in enumerate(clause) if s.pos[e.b + i] in {"N", "Np"}), None)
        return first is None or not at(clause, first, lex.foreign_objects)
    breaks = [k for k in range(e.pre) if s.tokens[k] in (SOFT_BREAK - {"(", ")"}) | HARD_BREAK]
    clause_start = breaks[-1] + 1 if breaks else 0
    before = s.folded[clause_start:e.pre]
    if before[:1] and before[0] in lex.passive_openers and clause_start and s.tokens[clause_start - 1] in SOFT_BREAK:
        # "Công ước Hà Nội, được Đại hội đồng thông qua ...": a passive appositive to the noun before it
        clause_start = breaks[-2] + 1 if len(breaks) > 1 else 0
    before = s.folded[clause_start:e.pre]
    if any(w in lex.passive_openers for w in before) and any(at(before, i, lex.object_terms | terms)
                                                    for i in range(len(before))):
        return True  # "Công ước đã được Kazakhstan ký", "Sự kiện do Việt Nam đăng cai"
    if e.type == "act_obj":
        return False
    if e.polarity != "support":
        return True
    nouns = [i for i, t in enumerate(clause[:3]) if s.pos[e.b + i] in {"N", "Np", "Nc"}
             and t not in lex.time_words]
    return not nouns


def act_polarity(s: Sentence, e: Event, end: int, lex: Lexicon) -> str:
    """The act's polarity, turned by a negation before it or a condition in its clause (up to token `end`)."""
    pol = e.polarity
    before = s.folded[e.pre:e.a]
    for w in before:
        if w in lex.negation and pol == "support":
            pol = lex.negation[w]
    if pol in {"support", "oppose"} and lex.condition.search(" ".join(s.folded[e.b:end])):
        pol = "conditional"  # "kèm tuyên bố giải thích"; not "sau khi ... bảo lưu", "tạo điều kiện" (enables)
    return pol


def call_polarity(content_folded: str, lex: Lexicon) -> str:
    """Polarity of a call on others: to sign, ratify or use the Convention (support), not to sign (oppose), to
    weigh it carefully (conditional); '' if the call is not about that. "các nước chưa ký" describes whom it calls
    on."""
    found = [m for m in lex.call.finditer(content_folded) if not lex.call_nominal.search(content_folded[:m.start()])]
    if any(m.group(1) in lex.call_refusals for m in found):
        return "oppose"
    active = [m for m in found if not m.group(1)]
    if not active:
        return ""
    if lex.caution.search(content_folded):
        return "conditional"
    return "support"


def in_question(s: Sentence, e: Event, end: int, lex: Lexicon) -> bool:
    """An act inside an indirect question ("liệu Washington có ký hay không")."""
    if e.polarity != "support":
        return False
    before = s.folded[max(0, e.pre - 6):e.pre]
    after = " ".join(s.folded[e.b:end])
    return any(m in before for m in lex.question) or any(m in after for m in lex.question if " " in m)


def side_actors(s: Sentence, e: Event, lex: Lexicon) -> list[str]:
    """"Ngoài Trung Quốc, nghị quyết còn được X đồng bảo trợ": the entities of an opening "besides" phrase share
    the act when "còn" or "cũng" marks it as additional."""
    n = at(s.folded, 0, lex.side_openers)
    comma = next((t for t in range(n, e.pre) if s.tokens[t] == ","), None)
    if not n or comma is None or not any(w in lex.additive for w in s.folded[comma:e.a]):
        return []
    return entities_in(s, n, comma, lex)


def joint_event(s: Sentence, found: list[dict], state: State, lex: Lexicon, cues: dict) -> list[dict]:
    """"Tại cuộc họp báo với Thủ tướng X, ...": X holds the event with the subject (an act of support), when the
    sentence is about the Convention or its ceremony."""
    have = {r["affiliation"] for r in found}
    for k in range(len(s.tokens)):
        n = at(s.folded, k, lex.joint_events)
        if not n or k + n >= len(s.tokens) or s.folded[k + n] not in lex.joint_with \
                or not about_convention(s, lex):
            continue
        a = k + n + 1
        end = next((t for t in range(a, len(s.tokens)) if s.tokens[t] in SOFT_BREAK | HARD_BREAK
                    or s.folded[t] in lex.and_words or is_verb(s, t, lex)), len(s.tokens))
        sp = resolve(s, a, end, state, lex, cues)
        if sp is None:
            return []
        return [statement_row(s, sp, aff, "act", s.span_text(k, k + n), s.span_text(k, end), "support", "", a,
                              end, "act:joint") for aff in each_new(sp.affiliations, have)]
    return []


def joint_participants(s: Sentence, found: list[dict], lex: Lexicon) -> list[dict]:
    """"X chia sẻ kinh nghiệm …, cùng đại diện Ngân hàng Nhà nước Việt Nam, Ghana và Ai Cập": in a sentence where
    someone speaks or acts, the representatives listed after "cùng đại diện" take part too: one act row each, with
    no polarity (their words are not reported)."""
    if not found:
        return []
    have = {r["affiliation"] for r in found}
    for k in range(len(s.tokens)):
        n = at(s.folded, k, lex.participant_joins)
        m = at(s.folded, k + n, lex.participant_heads) if n else 0
        if not m:
            continue
        end = next((t for t in range(k + n + m, len(s.tokens)) if s.tokens[t] in HARD_BREAK | {";"}), len(s.tokens))
        sp = Speaker(s.span_text(k + n, end).strip(" ,."), "", [], "participant")
        return [statement_row(s, sp, iso, "act", s.span_text(k, k + n), "", "", "", k, end, "act:participant")
                for iso in each_new(entities_in(s, k + n + m, end, lex), have)]
    return []


def each_new(actors: list[str], have: set, rule: str | None = None) -> list[str]:
    """The actors with no row yet (`have`: actors, or (actor, rule) pairs when `rule` is given), in order, each
    added to `have`: the rules that find several actors in a span give each one row."""
    out = []
    for actor in actors:
        key = actor if rule is None else (actor, rule)
        if key not in have:
            have.add(key)
            out.append(actor)
    return out


def about_convention(s: Sentence, lex: Lexicon) -> bool:
    """The sentence names the Convention (or a resolution), or refers back to it ("Đây là sáng kiến của Nga")."""
    return at(s.folded, 0, lex.that_was) > 0 or any(
        at(s.folded, i, lex.object_terms - lex.ceremony_terms)
        for i in range(len(s.folded)))


def listed(s: Sentence, found: list[dict], lex: Lexicon) -> list[dict]:
    """"Những nước ký đầu tiên gồm Việt Nam, Nga và Brazil": one act per listed country. A list of those attending
    ("Tham dự lễ có lãnh đạo các nước như ...") names guests, not actors."""
    acts = [e for e in verb_events(s, lex) if e.type != "speech" and e.kind != "receive"]  # those received are guests
    if not acts or acts[0].kind == "attend":
        return []
    e = acts[0]
    a, b, kind = e.a, e.b, e.kind
    pol = act_polarity(s, e, len(s.tokens), lex)
    have = {r["affiliation"] for r in found}
    rows = []
    for k in range(len(s.tokens)):
        n = at(s.folded, k, lex.list_markers) or (  # not "LHQ (UN)", "tờ The Star (Malaysia)"
            1 if s.tokens[k] == "(" and not any(eb == k for _, eb, _ in s.entities) and k and
            not s.tokens[k - 1][:1].isupper() else 0)
        while n and k + n < len(s.tokens) and (s.folded[k + n] in lex.list_representatives or at(s.folded, k + n, lex.titles)):
            n += at(s.folded, k + n, lex.titles) or 1  # "có đại diện Cuba", "là trưởng đoàn Chile"
        if not n or not any(ea == k + n for ea, _, _ in s.entities):
            continue
        isos = entities_in(s, k + n, len(s.tokens), lex)
        if s.folded[0] in lex.together:  # "Cùng ký Công ước với Việt Nam ... có X, Y": Việt Nam signs too
            isos += entities_in(s, 0, k, lex)
        sp = Speaker(s.span_text(k + n, len(s.tokens)).rstrip(" .)"), "", [], "list")
        rows = [statement_row(s, sp, iso, "act", s.span_text(a, b), s.span_text(b, k).strip(" ,"), pol,
                              s.span_text(a, b), k + n, len(s.tokens), f"act:{kind}_list")
                for iso in each_new(isos, have)]
        break
    return rows


def nominal_and_praise(s: Sentence, found: list[dict], lex: Lexicon) -> list[dict]:
    """"dưới sự chủ trì của X", "có sự tham dự của X" (acts; partners, "với sự đồng hành của X", only in a sentence
    on the target), "sáng kiến của X" (authorship), "Nghị quyết 79/243
    của X" (adoption), "chuyến thăm ... của X" (a visit), "vai trò tiên phong của Việt Nam" (the press's praise of
    an actor's role, when a support cue is near): one support row per entity."""
    have = {(r["affiliation"], r["rule"].split("/")[0]) for r in found}
    rows = []
    for k in range(len(s.tokens) - 2):
        marker = s.folded[k] in lex.nominal_marker
        n = at(s.folded, k + 1, lex.nominal_acts) if marker else 0
        if marker and not n and at(s.folded, k + 1, lex.partner_acts) and about_convention(s, lex):
            n = at(s.folded, k + 1, lex.partner_acts)  # "với sự đồng hành của X" in a sentence on the target
        rule, head = ("act:nominal", k + 1) if n else ("press_praise", k)
        if not n and (n := at(s.folded, k, lex.author_heads)) and about_convention(s, lex):
            rule = "act:author"
        elif not n and (n := at(s.folded, k, lex.visit_heads)) and about_convention(s, lex):
            rule = "act:visit"
        elif not n and at(s.folded, k, lex.resolution_heads) and not ends_with(
                s.folded, k, lex.author_heads | lex.draft) and any(
                at(s.folded, i, lex.treaty_terms) for i in range(len(s.folded))):
            n, rule = at(s.folded, k, lex.resolution_heads), "act:resolution"  # the body adopted it
        if not n:
            n = at(s.folded, k, lex.praise_heads)
            if not n:
                continue
        j = next((t for t in range(head + n, min(len(s.tokens), head + n + 8))
                  if s.folded[t] in lex.of_toward or s.tokens[t] in HARD_BREAK | {";"}), None)
        if j is None or s.folded[j] not in lex.of_toward or not any(ea == j + 1 for ea, _, _ in s.entities):
            continue
        span = s.span_text(k, j)
        if rule == "press_praise" and not sentence_cues(span, lex.stance_cues)["support"]:
            continue
        end = next((t for t in range(j + 1, len(s.tokens)) if s.tokens[t] in HARD_BREAK | {";"}), len(s.tokens))
        actors = [iso for iso in entities_in(s, j + 1, end, lex)
                  if not (rule == "press_praise" and iso.startswith("org:"))]
        sp = Speaker(s.span_text(j + 1, end).strip(" ,."), "", [], rule)
        rows += [statement_row(s, sp, iso, "act", s.span_text(head, head + n), span, "support", "", k, end, rule)
                 for iso in each_new(actors, have, rule)]
    return rows


def hosting(s: Sentence, found: list[dict], state: State, lex: Lexicon, cues: dict) -> list[dict]:
    """Hosting told in narration: the choice of a venue ("LHQ chọn Hà Nội làm nơi mở ký", "Việc chọn Hà Nội làm
    địa điểm tổ chức": the chooser acts, the country chosen hosts; a capital stands for its country) and a host
    role in an opening phrase ("Với vai trò là nước chủ nhà, Việt Nam đã ..."): support rows."""
    have = {(r["affiliation"], r["rule"].split("/")[0]) for r in found}
    rows = []

    def add(sp: Speaker, verb: str, content: str, a: int, b: int, rule: str) -> None:
        rows.extend(statement_row(s, sp, aff, "act", verb, content, "support", verb, a, b, rule)
                    for aff in each_new(sp.affiliations, have, rule))

    for k in range(len(s.tokens)):
        n = at(s.folded, k, lex.choose_verbs)
        role = next((j for j in range(k + n, min(len(s.tokens), k + n + 12)) if s.folded[j] in lex.as_words
                     and at(s.folded, j + 1, lex.venue_roles)), None) if n else None
        if role is None or (k and s.folded[k - 1] in lex.passive):  # "Hà Nội được chọn làm nơi": an act of its own
            continue
        floor = max((e.b for e in verb_events(s, lex) if e.b <= k), default=0)
        start = subject_start(s, k, floor, lex)
        passive = next((t for t in range(start, k) if s.folded[t] in lex.passive), None)  # "Hà Nội được LHQ chọn làm"
        a, b = (start, passive) if passive is not None else (k + n, role)
        chosen = entities_in(s, a, b, lex) + [iso for _, _, iso in match_phrases(s.folded[a:b], lex.capitals)]
        verb, content = s.span_text(k, k + n), s.span_text(k + n, role + 1 + at(s.folded, role + 1, lex.venue_roles))
        if chosen:
            add(Speaker(s.span_text(a, b), "", list(dict.fromkeys(chosen)), "chosen"), verb, content, a, b,
                "act:host_chosen")
        chooser = resolve(s, start, k, state, lex, cues) if start < k else None
        if chooser is None and ends_with(s.folded, k, lex.and_then):  # "X đã thông qua ... và chọn Y làm nơi"
            prior = [r for r in found if r["kind"] == "act" and r["affiliation"] and 0 <= r["end"] <= s.tstart[k]]
            chooser = Speaker(prior[-1]["speaker"], prior[-1]["title"], [prior[-1]["affiliation"]],
                              "coordinated") if prior else None
        if chooser is not None and chooser.affiliations:
            add(chooser, verb, content, start, k + n, "act:choose_venue")
        break
    n = at(s.folded, 0, lex.role_openers)
    n += 1 if n and n < len(s.folded) and s.folded[n] in lex.copula else 0
    m = at(s.folded, n, lex.host_roles) if n else 0
    if m and n + m < len(s.tokens) and s.tokens[n + m] == ",":
        end = next((t for t in range(n + m + 1, len(s.tokens)) if is_verb(s, t, lex)), len(s.tokens))
        while end > n + m + 1 and (back := ends_with(s.folded, end, lex.adverbs)):
            end -= back
        sp = resolve(s, n + m + 1, end, state, lex, cues)
        if sp is not None and sp.affiliations:
            add(sp, s.span_text(n, n + m), s.span_text(0, n + m), n + m + 1, end, "act:host_role")
    return rows


def actor_act(s: Sentence, iso: str, start: int, end: int, lex: Lexicon) -> dict:
    """A row for a country that countries.find_mentions saw act in this sentence with no speech or act verb
    from the lexicons ("Singapore ban hành luật mới"), or an organization in subject position: verb = the first
    verb after it, no polarity, no content when the verb is negated."""
    b = next((k for k, v in enumerate(s.tend) if v >= end), len(s.tokens) - 1) + 1
    v = next((k for k in range(b, len(s.tokens)) if s.pos[k] == "V"), None)
    a = next((k for k, v0 in enumerate(s.tstart) if v0 >= start), 0)
    sp = Speaker(s.span_text(a, b), "", [iso], "actor_mention")
    verb = s.tokens[v] if v is not None else ""
    negated = v is not None and any(w in lex.negated_verbs for w in s.folded[b:v])
    # "Google không bình luận về việc ký kết Công ước": what it does not do says nothing of its own
    content = s.span_text(v + 1, content_end(s, v + 1, lex)).strip(" ,.") if v is not None and not negated else ""
    return statement_row(s, sp, iso, "act", verb, content, "", s.span_text(b, v + 1) if v is not None else "", a, b,
                         "act:other")
