"""The pandas + openpyxl peer of kcbx: what a district data team would write instead.

Reads every file a kcbx pipeline's globs match (xlsx through openpyxl, xls through xlrd,
CSV through pandas after detecting the encoding), finds each sheet's header row, joins the
census (大清查) with the 学籍 exports on the ID number, and writes the census children of
compulsory-school age that have no active 学籍 record (unmatched.csv: file, sheet, row).

This is the baseline of bench/run.sh, not part of kcbx. It is deliberately what a competent
analyst writes in an afternoon: one process, pandas all the way, exact ID match only (no
repaired IDs, no fuzzy tier, no duplicate detection, no rules beyond "no active 学籍"), so
it does less than kcbx does and is a generous comparison. It prints counts only.

    python bench/peer/peer.py bench/data/district/pipeline.toml --out /tmp/peer
"""

import argparse
import glob
import io
import os
import sys
import time
import tomllib

import pandas as pd

ACTIVE = {"在读", "在籍", "转入", "复学", "休学", "借读"}
READ_SOURCES = ("census", "enrollment", "poverty", "disability", "home_teaching", "exemption", "roster")


def files_of(pipeline_path):
    """Every file of every source, as kcbx expands the globs (case-insensitive suffix)."""
    with open(pipeline_path, "rb") as f:
        pipeline = tomllib.load(f)
    base = os.path.dirname(os.path.abspath(pipeline_path))
    out = []
    for src in pipeline["sources"]:
        if src["kind"] not in READ_SOURCES:
            continue
        found = set()
        for pattern in src["files"]:
            found.update(p for p in glob.glob(os.path.join(base, pattern)) if os.path.isfile(p))
        out.extend((src["kind"], p) for p in sorted(found))
    return pipeline, out


def read_csv(path):
    """pandas read_csv after trying UTF-8 (with or without BOM), then GB18030 (GBK)."""
    raw = open(path, "rb").read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    head = text[:4096]
    sep = "\t" if head.count("\t") > head.count(",") else ","
    frame = pd.read_csv(io.StringIO(text), header=None, dtype=str, sep=sep, skip_blank_lines=True,
                        keep_default_na=False, na_values=[""])
    return {os.path.splitext(os.path.basename(path))[0]: frame}


def read_any(path):
    """Every sheet of a file as a DataFrame of strings, no header."""
    ext = os.path.splitext(path)[1].lower()
    if ext == ".csv":
        return read_csv(path)
    engine = "xlrd" if ext == ".xls" else "openpyxl"
    return pd.read_excel(path, sheet_name=None, header=None, dtype=str, engine=engine)


def find_header(frame):
    """The first of the top 30 rows naming an ID column."""
    for r in range(min(30, len(frame))):
        cells = [str(v) for v in frame.iloc[r].tolist() if isinstance(v, str)]
        if any("身份证" in c or "身份号" in c or "证件号" in c for c in cells):
            return r
    return None


def column(headers, *words, avoid=()):
    for i, h in enumerate(headers):
        if any(w in h for w in words) and not any(a in h for a in avoid):
            return i
    return None


def norm_id(series):
    s = series.fillna("").astype(str).str.replace(r"[\s'’]", "", regex=True).str.upper()
    return s.str.replace("Ｘ", "X")


def table(frame, kind):
    """The data rows of a sheet with the columns the join needs, or None."""
    h = find_header(frame)
    if h is None:
        return None
    headers = [str(v).replace("\n", "").replace(" ", "") if isinstance(v, str) else "" for v in frame.iloc[h].tolist()]
    data = frame.iloc[h + 1:]
    ids = column(headers, "身份证", "身份号", "证件号", avoid=("类型",))
    if ids is None:
        return None
    out = pd.DataFrame({"row": data.index + 1, "id": norm_id(data.iloc[:, ids])})
    if kind == "census":
        birth = column(headers, "出生")
        out["birth"] = data.iloc[:, birth].fillna("").astype(str) if birth is not None else ""
        status = column(headers, "在校情况", "就学状态", "就学情况")
        out["claim"] = data.iloc[:, status].fillna("").astype(str) if status is not None else ""
    elif kind == "enrollment":
        status = column(headers, "异动类型", "学籍状态")
        out["status"] = data.iloc[:, status].fillna("").astype(str).str.strip() if status is not None else ""
    return out[out["id"] != ""]


def birth_of(census):
    """Birth date from an 18-character ID, else from the 出生日期 column."""
    from_id = pd.to_datetime(census["id"].where(census["id"].str.len() == 18).str[6:14], format="%Y%m%d",
                             errors="coerce")
    text = census["birth"].str.replace(r"[年月./]", "-", regex=True).str.replace("日", "")
    from_col = pd.to_datetime(text, errors="coerce", format="mixed")
    return from_id.fillna(from_col)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pipeline")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    start = time.time()
    pipeline, files = files_of(args.pipeline)
    params = pipeline.get("params", {})
    as_of = pd.Timestamp(str(params.get("as_of", "2020-05-14")))
    birth_from = pd.Timestamp(str(params.get("birth_from", "2004-09-01")))
    birth_to = pd.Timestamp(str(params.get("birth_to", "2014-08-31")))
    # Due in school by as_of: entry date (1 Sep of the year the child turns six) not after as_of.
    due_by = pd.Timestamp(year=as_of.year - 6 if as_of.month >= 9 else as_of.year - 7, month=8, day=31)
    birth_to = min(birth_to, due_by)

    parts = {"census": [], "enrollment": []}
    rows = sheets = 0
    for kind, path in files:
        for sheet, frame in read_any(path).items():
            sheets += 1
            rows += len(frame)
            if kind not in parts:
                continue
            t = table(frame, kind)
            if t is not None:
                t["file"] = os.path.relpath(path, os.path.dirname(os.path.abspath(args.pipeline)))
                t["sheet"] = sheet
                parts[kind].append(t)
    census = pd.concat(parts["census"], ignore_index=True)
    enrollment = pd.concat(parts["enrollment"], ignore_index=True)

    # Latest status per ID: the last row in input order (exports before the change history).
    latest = enrollment.drop_duplicates("id", keep="last")
    active = latest[latest["status"].isin(ACTIVE)][["id"]].assign(active=True)
    census["born"] = birth_of(census)
    eligible = census[(census["born"] >= birth_from) & (census["born"] <= birth_to)
                      & ~census["claim"].str.contains("死亡", na=False)]
    joined = eligible.merge(active, on="id", how="left")
    unmatched = joined[joined["active"].isna()][["file", "sheet", "row"]]
    os.makedirs(args.out, exist_ok=True)
    unmatched.to_csv(os.path.join(args.out, "unmatched.csv"), index=False, encoding="utf-8-sig")
    print(f"peer: {len(files)} files, {sheets} sheets, {rows} rows; census {len(census)}, 学籍 {len(enrollment)}; "
          f"eligible {len(eligible)}, unmatched {len(unmatched)}; {time.time() - start:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
