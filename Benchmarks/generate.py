#!/usr/bin/env python3
"""Writes a synthetic CVAT export of about the requested size, deterministically from a seed.

    generate.py OUT_DIR --size-mb 100 [--format images|video] [--level task|project] [--seed 1] [--media]

Images format: every shape kind (box, rotated box, polygon, polyline, points, ellipse, cuboid, mask,
skeleton with elements, tag) and every attribute input type (checkbox, radio, number, text, select).
Video format: tracks of every shape kind but tag, with keyframes, interpolated frames and outside frames.
With --media, images/ holds a PNG of the declared size for each image (or video frame).
The file is valid for cvat-lint's schema and clean for `--target cvat`.
"""
import argparse
import os
import random
import struct
import zlib

LABELS = [("car", "rectangle"), ("road", "polygon"), ("lane", "polyline"), ("keypoint", "points"),
          ("cell", "ellipse"), ("crate", "cuboid"), ("sky", "mask"), ("pose", "skeleton"), ("weather", "tag")]
SUBLABELS = ["head", "hand", "foot"]
WIDTH, HEIGHT = 1280, 720


def attribute_specs():
    return """            <attribute>
              <name>parked</name>
              <mutable>False</mutable>
              <input_type>checkbox</input_type>
              <default_value>false</default_value>
              <values>false</values>
            </attribute>
            <attribute>
              <name>color</name>
              <mutable>False</mutable>
              <input_type>radio</input_type>
              <default_value>red</default_value>
              <values>red
green
blue</values>
            </attribute>
            <attribute>
              <name>speed</name>
              <mutable>True</mutable>
              <input_type>number</input_type>
              <default_value>0</default_value>
              <values>0
200
1</values>
            </attribute>
            <attribute>
              <name>note</name>
              <mutable>False</mutable>
              <input_type>text</input_type>
              <default_value></default_value>
              <values></values>
            </attribute>
            <attribute>
              <name>quality</name>
              <mutable>False</mutable>
              <input_type>select</input_type>
              <default_value>good</default_value>
              <values>good
bad</values>
            </attribute>
"""


def labels_xml():
    out = ["      <labels>"]
    for name, kind in LABELS:
        out.append(f"        <label>\n          <name>{name}</name>\n          <color>#{random.randrange(1 << 24):06x}</color>"
                   f"\n          <type>{kind}</type>\n          <attributes>\n{attribute_specs()}          </attributes>")
        if kind == "skeleton":
            out.append('          <svg>&lt;circle r="1.5" data-type="element node" data-element-id="1" data-node-id="1" '
                       'data-label-name="head"&gt;&lt;/circle&gt;</svg>')
        out.append("        </label>")
    for sub in SUBLABELS:
        out.append(f"        <label>\n          <name>{sub}</name>\n          <color>#00ff00</color>\n          <type>points</type>"
                   f"\n          <attributes>\n          </attributes>\n          <parent>pose</parent>\n        </label>")
    out.append("      </labels>")
    return "\n".join(out)


def task_xml(task_id, size, mode, subset, indent, with_labels):
    pad = " " * indent
    body = [f"<task>", f"  <id>{task_id}</id>", f"  <name>synthetic {task_id}</name>", f"  <size>{size}</size>",
            f"  <mode>{mode}</mode>", "  <overlap>0</overlap>", "  <bugtracker></bugtracker>",
            "  <created>2025-01-01 00:00:00.000000+00:00</created>", "  <updated>2025-01-02 00:00:00.000000+00:00</updated>",
            f"  <subset>{subset}</subset>", "  <start_frame>0</start_frame>", f"  <stop_frame>{size - 1}</stop_frame>",
            "  <frame_filter></frame_filter>", "  <segments>", "    <segment>", f"      <id>{task_id}</id>",
            "      <start>0</start>", f"      <stop>{size - 1}</stop>",
            f"      <url>https://app.cvat.ai/api/jobs/{task_id}</url>", "    </segment>", "  </segments>",
            "  <owner>", "    <username>bench</username>", "    <email>bench@example.com</email>", "  </owner>",
            "  <assignee>", "  </assignee>"]
    text = "\n".join(pad + line for line in body) + "\n"
    if with_labels:
        text += "\n".join(pad + line[6:] if line.startswith("      ") else pad + line for line in labels_xml().split("\n")) + "\n"
    if mode == "interpolation":
        text += f"{pad}  <original_size>\n{pad}    <width>{WIDTH}</width>\n{pad}    <height>{HEIGHT}</height>\n{pad}  </original_size>\n"
    return text + f"{pad}</task>\n"


def attributes(pad):
    return (f'{pad}<attribute name="parked">{random.choice(["true", "false"])}</attribute>\n'
            f'{pad}<attribute name="color">{random.choice(["red", "green", "blue"])}</attribute>\n'
            f'{pad}<attribute name="speed">{random.randrange(0, 200)}</attribute>\n'
            f'{pad}<attribute name="note">n{random.randrange(1000)}</attribute>\n'
            f'{pad}<attribute name="quality">{random.choice(["good", "bad"])}</attribute>\n')


def coordinate(limit):
    return f"{random.uniform(20, limit - 120):.2f}"


def geometry(kind):
    x, y = random.uniform(20, WIDTH - 200), random.uniform(20, HEIGHT - 200)
    if kind == "box":
        rotation = f' rotation="{random.uniform(0, 30):.2f}"' if random.random() < 0.2 else ""
        return f'xtl="{x:.2f}" ytl="{y:.2f}" xbr="{x + random.uniform(10, 100):.2f}" ybr="{y + random.uniform(10, 100):.2f}"{rotation}'
    if kind in ("polygon", "polyline"):
        count = random.randrange(3, 12)
        points = ";".join(f"{x + random.uniform(0, 150):.2f},{y + random.uniform(0, 150):.2f}" for _ in range(count))
        return f'points="{points}"'
    if kind == "points":
        return f'points="{x:.2f},{y:.2f};{x + 5:.2f},{y + 5:.2f}"'
    if kind == "ellipse":
        return f'cx="{x + 50:.2f}" cy="{y + 50:.2f}" rx="{random.uniform(5, 40):.2f}" ry="{random.uniform(5, 40):.2f}"'
    if kind == "cuboid":
        w, h, d = random.uniform(20, 60), random.uniform(20, 60), random.uniform(5, 20)
        names = ["xtl1", "ytl1", "xbl1", "ybl1", "xtr1", "ytr1", "xbr1", "ybr1", "xtl2", "ytl2", "xbl2", "ybl2", "xtr2", "ytr2", "xbr2", "ybr2"]
        values = [x, y, x, y + h, x + w, y, x + w, y + h, x + d, y - d, x + d, y + h - d, x + w + d, y - d, x + w + d, y + h - d]
        return " ".join(f'{n}="{v:.2f}"' for n, v in zip(names, values))
    if kind == "mask":
        width, height = random.randrange(4, 20), random.randrange(4, 20)
        runs, total = [], width * height
        while total > 0:
            run = min(total, random.randrange(1, 12))
            runs.append(run)
            total -= run
        return f'rle="{", ".join(map(str, runs))}" left="{int(x)}" top="{int(y)}" width="{width}" height="{height}"'
    raise ValueError(kind)


def write_annotation(out, kind, head, element_head):
    """One shape or skeleton: `head()` gives the start tag's leading attributes, `element_head()` those of
    each skeleton element; both are called in document order, so the random stream stays the same."""
    if kind == "skeleton":
        out.write(f'    <skeleton {head()}>\n')
        for sub in SUBLABELS:
            out.write(f'      <points label="{sub}" {element_head()} occluded="0" '
                      f'points="{coordinate(WIDTH)},{coordinate(HEIGHT)}">\n      </points>\n')
        out.write(f'{attributes("      ")}    </skeleton>\n')
    else:
        out.write(f'    <{kind} {head()} {geometry(kind)} z_order="0">\n{attributes("      ")}    </{kind}>\n')


def image_shapes(out):
    for name, label_type in LABELS:
        kind = {"rectangle": "box"}.get(label_type, label_type)
        if kind == "tag":
            out.write(f'    <tag label="{name}" source="manual">\n{attributes("      ")}    </tag>\n')
        elif kind == "skeleton":
            write_annotation(out, kind, lambda: f'label="{name}" source="manual" z_order="0"',
                             lambda: f'source="manual" outside="{random.choice("01")}"')
        else:
            write_annotation(out, kind, lambda: f'label="{name}" source="manual" occluded="{random.choice("01")}"', None)


def track(out, track_id, name, kind, frames, subset_attrs):
    out.write(f'  <track id="{track_id}" label="{name}" source="manual"{subset_attrs}>\n')
    start = random.randrange(0, max(1, frames // 4))
    end = min(frames, start + random.randrange(10, 200))
    for frame in range(start, end):
        keyframe = "1" if frame == start or random.random() < 0.1 or frame == end - 1 else "0"
        outside = "1" if frame == end - 1 else "0"
        if kind == "skeleton":
            write_annotation(out, kind, lambda: f'frame="{frame}" keyframe="{keyframe}" z_order="0"',
                             lambda: f'keyframe="{keyframe}" outside="{outside}"')
        else:
            write_annotation(out, kind, lambda: f'frame="{frame}" keyframe="{keyframe}" outside="{outside}" occluded="0"', None)
    out.write("  </track>\n")


def png(width, height):
    raw = zlib.compress(b"".join(b"\x00" + b"\x00" * (width * 3) for _ in range(height)), 9)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--size-mb", type=float, required=True)
    parser.add_argument("--format", choices=["images", "video"], default="images")
    parser.add_argument("--level", choices=["task", "project"], default="task")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--media", action="store_true")
    args = parser.parse_args()
    random.seed(args.seed)
    target = int(args.size_mb * (1 << 20))
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "annotations.xml")
    mode = "annotation" if args.format == "images" else "interpolation"
    # Sizes are estimated per image (or per track frame) so that <meta> can state them up front.
    per_unit = 4200 if args.format == "images" else 700
    units = max(1, target // per_unit)
    subset = "default"
    frames = units if args.format == "images" else max(200, units // 40)
    with open(path, "w", buffering=1 << 20) as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n  <version>1.1</version>\n  <meta>\n')
        if args.level == "task":
            out.write(task_xml(1, frames, mode, subset, 4, True))
        else:
            out.write("    <project>\n      <id>1</id>\n      <name>synthetic</name>\n      <bugtracker></bugtracker>\n"
                      "      <created>2025-01-01 00:00:00.000000+00:00</created>\n"
                      "      <updated>2025-01-02 00:00:00.000000+00:00</updated>\n      <tasks>\n")
            out.write(task_xml(1, frames, mode, subset, 8, False))
            out.write(f"      </tasks>\n      <subsets>{subset}</subsets>\n      <owner>\n      </owner>\n"
                      "      <assignee>\n      </assignee>\n" + labels_xml() + "\n    </project>\n")
        out.write("    <dumped>2025-01-03 00:00:00.000000+00:00</dumped>\n  </meta>\n")
        subset_attrs = f' subset="{subset}" task_id="1"' if args.level == "project" else ""
        if args.format == "images":
            for index in range(frames):
                if out.tell() >= target:
                    break
                out.write(f'  <image id="{index}" name="img_{index:07d}.png"{subset_attrs} width="{WIDTH}" height="{HEIGHT}">\n')
                image_shapes(out)
                out.write("  </image>\n")
        else:
            kinds = [("car", "box"), ("road", "polygon"), ("lane", "polyline"), ("keypoint", "points"),
                     ("cell", "ellipse"), ("crate", "cuboid"), ("pose", "skeleton")]
            track_id = 0
            while out.tell() < target:
                name, kind = kinds[track_id % len(kinds)]
                track(out, track_id, name, kind, frames, subset_attrs)
                track_id += 1
        out.write("</annotations>\n")
    if args.media:
        folder = os.path.join(args.out, "images", subset) if args.level == "project" else os.path.join(args.out, "images")
        os.makedirs(folder, exist_ok=True)
        picture = png(WIDTH, HEIGHT)
        count = frames if args.format == "video" else sum(1 for line in open(path) if line.startswith("  <image "))
        for index in range(count):
            name = f"frame_{index:06d}.PNG" if args.format == "video" else f"img_{index:07d}.png"
            with open(os.path.join(folder, name), "wb") as file:
                file.write(picture)


if __name__ == "__main__":
    main()
