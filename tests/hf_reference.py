"""Reference counts for tests/hf_reference.rs, from Python `transformers` itself.

Usage: python hf_reference.py RECORDS.jsonl OUT.jsonl CASE_DIR[=N]...  (N: first N records only)

For every case folder (a tokenizer folder as `AutoTokenizer.from_pretrained` loads it) and
every record, writes one JSON line {"case", "line", ...}:
  chat records:       total = len(apply_chat_template(messages, tools=record.get("tools"),
                      tokenize=True)); mask = sum(assistant_masks) when the template has
                      {% generation %}; prompt = tokens of the conversation before the last
                      message rendered with add_generation_prompt=True, when the last message
                      is the assistant's and the conversation's tokens start with those.
  preference records: chosen, rejected = len() of input + each output; prompt = len() of the
                      input with add_generation_prompt=True, when both start with its tokens.
  text records:       total = tokens of "text"; prompt/completion records: of both texts
                      (no template, no special tokens added).
A record the template (or transformers) rejects gives {"error": "..."}.

`strftime_now` reads the clock; it is pinned to 26 Jul 2024, the day ftlint uses.
"""

import datetime as _dt
import json
import re
import sys

from transformers import AutoTokenizer
from transformers.utils import chat_template_utils


class _FixedDatetime(_dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return cls(2024, 7, 26)


chat_template_utils.datetime = _FixedDatetime


def ids(out):
    return out["input_ids"] if hasattr(out, "keys") else out


def count_ids(tok, messages, tools, **kw):
    return ids(tok.apply_chat_template(messages, tools=tools, tokenize=True, **kw))


def chat(tok, rec, has_generation):
    messages, tools = rec["messages"], rec.get("tools")
    if has_generation:
        out = tok.apply_chat_template(
            messages, tools=tools, tokenize=True, return_dict=True, return_assistant_tokens_mask=True
        )
        full = out["input_ids"]
        res = {"total": len(full), "mask": sum(out["assistant_masks"])}
    else:
        full = count_ids(tok, messages, tools)
        res = {"total": len(full)}
    if len(messages) > 1 and messages[-1].get("role") == "assistant":
        try:
            prompt = count_ids(tok, messages[:-1], tools, add_generation_prompt=True)
        except Exception:
            prompt = None
        # The split is defined where the conversation's tokens start with the prompt's.
        if prompt is not None and full[: len(prompt)] == prompt:
            res["prompt"] = len(prompt)
    return res


def preference(tok, rec):
    inp = rec["input"]
    messages, tools = inp["messages"], inp.get("tools")
    chosen = count_ids(tok, messages + rec["preferred_output"], tools)
    rejected = count_ids(tok, messages + rec["non_preferred_output"], tools)
    res = {"chosen": len(chosen), "rejected": len(rejected)}
    prompt = count_ids(tok, messages, tools, add_generation_prompt=True)
    if chosen[: len(prompt)] == prompt and rejected[: len(prompt)] == prompt:
        res["prompt"] = len(prompt)
    return res


def main():
    records_path, out_path, cases = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(records_path, encoding="utf-8") as f:
        all_records = [json.loads(line) for line in f]
    gen_re = re.compile(r"\{\%-?\s*generation\s*-?\%\}")
    with open(out_path, "w", encoding="utf-8") as out:
        for spec in cases:
            # CASE_DIR or CASE_DIR=N: only the first N records.
            case, _, limit = spec.partition("=")
            records = all_records[: int(limit)] if limit else all_records
            tok = AutoTokenizer.from_pretrained(case)
            template = tok.chat_template if isinstance(tok.chat_template, str) else tok.chat_template["default"]
            has_generation = bool(gen_re.search(template))
            for line, rec in enumerate(records, 1):
                try:
                    if "input" in rec:
                        res = preference(tok, rec)
                    elif "text" in rec:
                        # A plain-text record: its tokens, no special tokens added.
                        res = {"total": len(tok(rec["text"], add_special_tokens=False)["input_ids"])}
                    elif "prompt" in rec:
                        res = {"total": sum(len(tok(rec[k], add_special_tokens=False)["input_ids"]) for k in ("prompt", "completion"))}
                    else:
                        res = chat(tok, rec, has_generation)
                except Exception as e:  # the template raised, or transformers rejected the record
                    res = {"error": f"{type(e).__name__}: {e}"[:300]}
                res["case"] = case
                res["line"] = line
                out.write(json.dumps(res, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
