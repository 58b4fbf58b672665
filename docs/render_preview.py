"""Render page 1 of an exported sample material to docs/export-page1.png, for the README.

    .venv/bin/python docs/render_preview.py

Needs LibreOffice and poppler; on Debian:

    apt-get install libreoffice-writer-nogui poppler-utils fonts-noto-cjk fonts-arphic-gkai00mp

The official faces (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312) are not free. A fontconfig file
written here maps each to a free substitute (Noto Serif CJK SC Bold, Noto Serif CJK SC,
AR PL KaitiM GB; 黑体 to Noto Sans CJK SC), so the picture shows the layout, not the faces.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.export.docx import DocHeader, export_docx  # noqa: E402
from assistant.draft.render import dimension_heading, to_text  # noqa: E402
from assistant.core.types import (  # noqa: E402
    DimensionDraft,
    Draft,
    Paragraph,
    Request,
    Role,
    Structure,
    StructureSource,
)

OUT = ROOT / "docs" / "export-page1.png"

# family asked for -> (substitute, bold?)
SUBSTITUTES = {
    "方正小标宋简体": ("Noto Serif CJK SC", True),
    "仿宋_GB2312": ("Noto Serif CJK SC", False),
    "楷体_GB2312": ("AR PL KaitiM GB", False),
    "黑体": ("Noto Sans CJK SC", False),
    "宋体": ("Noto Serif CJK SC", False),
}


def sample_draft() -> Draft:
    dims = ["带头强化政治忠诚、提高政治能力", "带头固本培元、增强党性"]
    problems = [
        DimensionDraft(name=dims[0], heading=dimension_heading(1, dims[0]), items=[
            Paragraph(marker="一是", text="学习贯彻党的创新理论不够系统。满足于完成规定篇目，原著原文读得少，"
                      "对习近平新时代中国特色社会主义思想的体系把握不全。比如，2025年上半年中心组集中学习6次，"
                      "我只在1次学习中作了交流发言，自学笔记不足1万字。"),
            Paragraph(marker="二是", text="政治判断力不够强。对分管领域的意识形态风险研判不足，遇到敏感舆情反应偏慢。"
                      "比如，2025年5月机关食堂调价引发网上议论，我在2天后才组织回应，错过了主动解释的时机。"),
        ]),
        DimensionDraft(name=dims[1], heading=dimension_heading(2, dims[1]), items=[
            Paragraph(marker="一是", text="党性锻炼抓得不够经常。以事务性工作代替党性修养，参加支部组织生活有时流于形式。"
                      "比如，全年参加所在支部“三会一课”11次，其中2次因会务请假，未按要求补学。"),
        ]),
    ]
    return Draft(
        request=Request(role=Role.GEREN, year=2025),
        structure=Structure(dimensions=dims, source=StructureSource.REGISTRY, reason="示例"),
        title="2025年度民主生活会个人对照检查材料",
        preamble=Paragraph(text="按照区委《关于认真开好2025年度民主生活会的通知》要求，我围绕会议主题，"
                           "认真学习党的二十届四中全会精神，与分管科室12名同志逐一谈心谈话，征求到意见建议8条，"
                           "对照“五个带头”查摆问题、剖析原因、明确措施。现作个人对照检查如下："),
        problems=problems,
        causes=[Paragraph(title="理论学习的自觉性不强", text="把理论学习当作任务来完成，满足于读过、学过，"
                          "学习笔记和交流发言少，理论学习与分管工作结合不紧。")],
        measures=[Paragraph(title="持之以恒强化理论学习，提升政治能力", text="每周自学原著原文4小时以上，"
                            "每季度在中心组学习中交流发言1次，年底前完成学习笔记2万字。")],
    )


def fontconfig_file(folder: Path) -> Path:
    rules = []
    for family, (face, bold) in SUBSTITUTES.items():
        weight = '<edit name="weight" mode="assign" binding="strong"><const>bold</const></edit>' if bold else ""
        rules.append(
            f'<match target="pattern"><test name="family"><string>{family}</string></test>'
            f'<edit name="family" mode="assign" binding="strong"><string>{face}</string></edit>{weight}</match>'
        )
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        "<include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>" + "".join(rules) + "</fontconfig>",
        "utf-8",
    )
    return conf


def main() -> int:
    missing = [tool for tool in ("soffice", "pdftoppm") if shutil.which(tool) is None]
    if missing:
        print(f"缺少 {'、'.join(missing)}：apt-get install libreoffice-writer-nogui poppler-utils "
              "fonts-noto-cjk fonts-arphic-gkai00mp", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        doc = export_docx(to_text(sample_draft()), folder / "sample.docx",
                          header=DocHeader(unit="某区机关事务服务中心", post="副主任", name="张三"))
        env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file(folder)))
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
             "--convert-to", "pdf", "--outdir", str(folder), str(doc)],
            check=True, env=env, timeout=300, capture_output=True,
        )
        subprocess.run(
            ["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile",
             str(folder / "sample.pdf"), str(OUT.with_suffix(""))],
            check=True, timeout=120,
        )
    print(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
