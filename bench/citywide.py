#!/usr/bin/env python3
"""A city set whose 学籍 is one city-wide export: every school's xlsx export of a city sample
(`kcbx sample --scale city`) merged into one UTF-8 CSV with a 区县 column, the way a
municipality's education commission exports 学籍 for all its districts at once.

    python3 bench/citywide.py bench/data/city bench/data/city1            # schools in order
    python3 bench/citywide.py bench/data/city bench/data/city1s --by-name # rows sorted by name
    python3 bench/citywide.py bench/data/city bench/data/city1n --no-district  # no 区县 column

The new folder gets links to the city set's other inputs and a pipeline.toml whose 学籍 sources
are the one CSV (its district from the 区县 column) plus the city set's own per-district GBK CSVs
and 学籍异动 workbooks (district from the folder). Standard library only; about two minutes.
`--by-name` interleaves the districts on every stretch of rows (the worst case for a run that
processes districts one at a time); `--no-district` leaves the 区县 column out, so that each row's
district must be inferred.
"""
import csv
import glob
import html
import os
import re
import sys
import zipfile

CELL = re.compile(r'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
SI = re.compile(r"<si>(.*?)</si>", re.S)
T = re.compile(r"<t[^>]*>(.*?)</t>", re.S)
V = re.compile(r"<v>(.*?)</v>", re.S)
INPUTS = ["大清查", "建档立卡", "残联", "缓学免学", "送教上门", "责任人名单"]


def column(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def sheet_rows(path):
    """The first sheet of a workbook rust_xlsxwriter wrote, as {row: {column: text}}."""
    z = zipfile.ZipFile(path)
    strings = [html.unescape("".join(T.findall(si))) for si in SI.findall(z.read("xl/sharedStrings.xml").decode())]
    data = z.read("xl/worksheets/sheet1.xml").decode().split("<sheetData>", 1)[1].split("</sheetData>", 1)[0]
    grid = {}
    for col, row, attrs, inner in CELL.findall(data):
        value = ""
        if inner:
            m = V.search(inner)
            value = m.group(1) if m else "".join(T.findall(inner))
            if 't="s"' in attrs:
                value = strings[int(value)]
            value = html.unescape(value)
        grid.setdefault(int(row), {})[column(col)] = value
    return grid


def main():
    city, out = sys.argv[1], sys.argv[2]
    by_name = "--by-name" in sys.argv[3:]
    no_district = "--no-district" in sys.argv[3:]
    header, index, rows = ["区县"], {"区县": 0}, []
    for path in sorted(glob.glob(os.path.join(city, "学籍", "*", "*.xlsx"))):
        if "异动" in os.path.basename(path):
            continue
        district = os.path.basename(os.path.dirname(path))
        grid = sheet_rows(path)
        # The header is the first row with five filled cells (some exports have a title row).
        first = min(r for r in grid if sum(1 for v in grid[r].values() if v.strip()) >= 5)
        names = {c: v.strip() for c, v in grid[first].items()}
        for name in names.values():
            if name and name not in index:
                index[name] = len(header)
                header.append(name)
        for r in sorted(grid):
            if r <= first or not any(v.strip() for v in grid[r].values()):
                continue
            row = {0: district}
            for c, v in grid[r].items():
                if names.get(c):
                    row[index[names[c]]] = v
            rows.append([row.get(i, "") for i in range(len(header))])
    if by_name:
        rows.sort(key=lambda r: (r[index["姓名"]], r[index["出生日期"]]))
    if no_district:
        header, rows = header[1:], [r[1:] for r in rows]
    os.makedirs(os.path.join(out, "学籍"), exist_ok=True)
    with open(os.path.join(out, "学籍", "全市学籍.csv"), "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row + [""] * (len(header) - len(row)))
    links = {name: name for name in INPUTS}
    links["学籍分校"] = "学籍"
    for link, target in links.items():
        path = os.path.join(out, link)
        if os.path.lexists(path):
            os.remove(path)
        os.symlink(os.path.relpath(os.path.join(city, target), out), path)
    pipeline = open(os.path.join(city, "pipeline.toml"), encoding="utf-8").read()
    own = 'files = ["学籍/*/*.xlsx", "学籍/*/*.csv"]\ndistrict = "*"'
    assert own in pipeline, "the city sample's 学籍 source is not the one this script knows"
    pipeline = pipeline.replace(
        own,
        'files = ["学籍分校/*/*.csv", "学籍分校/*/学籍异动*.xlsx"]\ndistrict = "*"',
    ).replace(
        "# 2019 年动态调整建档立卡",
        '# 全市学籍导出：一个 CSV，区县取自「区县」列\n[[sources]]\nkind = "enrollment"\n'
        'files = ["学籍/全市学籍.csv"]\n\n# 2019 年动态调整建档立卡',
        1,
    )
    with open(os.path.join(out, "pipeline.toml"), "w", encoding="utf-8") as fh:
        fh.write(pipeline)
    print(f"{len(rows)} rows, {len(header)} columns -> {out}/学籍/全市学籍.csv")


if __name__ == "__main__":
    main()
