#!/usr/bin/python3
"""Generates the bad-data corpus of tests/data/bad_data/ deterministically.

    /usr/bin/python3 tests/data/bad_data/make_bad_data.py

Every file is a small valid Parquet file of base/ (written by DuckDB 1.5.6
through what is now make_base.py, DuckDB's Python package; the files are
committed, so that the corpus does not depend on any DuckDB install) mutated in one precise way: truncated, a magic or length changed, a
footer or page-header field rewritten (through the generic thrift compact
codec below, so the rest of the structure stays intact), or page bytes
replaced. Fuzz regressions (fuzz_*.parquet) are not generated: they are the
minimised inputs libFuzzer found, committed as they are.

README.md lists each file with the error oups must report, and
tests/parquet/bad_data_test.cc asserts it; the test fails if a file here has
no entry in its table.
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(HERE, "base")

# ----------------------------------------------------------------- thrift
# A schema-less compact-protocol codec: a struct is a list of [field_id, type,
# value] in wire order, so a decoded struct re-encodes to the same bytes.
STOP, TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = range(13)


def read_varint(b, p):
    shift = v = 0
    while True:
        c = b[p]
        p += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return v, p


def unzigzag(v):
    return (v >> 1) ^ -(v & 1)


def zigzag(v):
    return (v << 1) ^ (v >> 63)


def varint(v):
    out = bytearray()
    while True:
        if v < 0x80:
            out.append(v)
            return bytes(out)
        out.append((v & 0x7F) | 0x80)
        v >>= 7


def read_value(b, p, t):
    if t in (TRUE, FALSE):  # only inside containers (one byte each)
        return b[p] == 1, p + 1
    if t == BYTE:
        return struct.unpack_from("b", b, p)[0], p + 1
    if t in (I16, I32, I64):
        v, p = read_varint(b, p)
        return unzigzag(v), p
    if t == DOUBLE:
        return struct.unpack_from("<d", b, p)[0], p + 8
    if t == BINARY:
        n, p = read_varint(b, p)
        return bytes(b[p:p + n]), p + n
    if t in (LIST, SET):
        h = b[p]
        p += 1
        n, et = h >> 4, h & 0x0F
        if n == 15:
            n, p = read_varint(b, p)
        items = []
        for _ in range(n):
            v, p = read_value(b, p, et)
            items.append(v)
        return (et, items), p
    if t == MAP:
        n, p = read_varint(b, p)
        kt = vt = 0
        if n:
            kt, vt = b[p] >> 4, b[p] & 0x0F
            p += 1
        items = []
        for _ in range(n):
            k, p = read_value(b, p, kt)
            v, p = read_value(b, p, vt)
            items.append((k, v))
        return (kt, vt, items), p
    if t == STRUCT:
        return read_struct(b, p)
    raise ValueError("thrift type %d" % t)


def read_struct(b, p):
    fields = []
    last = 0
    while True:
        h = b[p]
        p += 1
        if h == STOP:
            return fields, p
        t, delta = h & 0x0F, h >> 4
        if delta:
            fid = last + delta
        else:
            v, p = read_varint(b, p)
            fid = unzigzag(v)
        if t in (TRUE, FALSE):
            v = t == TRUE
        else:
            v, p = read_value(b, p, t)
        fields.append([fid, t, v])
        last = fid


def write_value(t, v):
    if t in (TRUE, FALSE):
        return bytes([1 if v else 2])
    if t == BYTE:
        return struct.pack("b", v)
    if t in (I16, I32, I64):
        return varint(zigzag(v) & 0xFFFFFFFFFFFFFFFF)
    if t == DOUBLE:
        return struct.pack("<d", v)
    if t == BINARY:
        return varint(len(v)) + v
    if t in (LIST, SET):
        et, items = v
        n = len(items)
        out = bytes([(n << 4) | et]) if n < 15 else bytes([0xF0 | et]) + varint(n)
        return out + b"".join(write_value(et, x) for x in items)
    if t == MAP:
        kt, vt, items = v
        out = varint(len(items))
        if items:
            out += bytes([(kt << 4) | vt])
        return out + b"".join(write_value(kt, k) + write_value(vt, x) for k, x in items)
    if t == STRUCT:
        return write_struct(v)
    raise ValueError("thrift type %d" % t)


def write_struct(fields):
    out = bytearray()
    last = 0
    for fid, t, v in fields:
        wt = (TRUE if v else FALSE) if t in (TRUE, FALSE) else t
        if 0 < fid - last <= 15:
            out.append(((fid - last) << 4) | wt)
        else:
            out.append(wt)
            out += varint(zigzag(fid))
        if t not in (TRUE, FALSE):
            out += write_value(t, v)
        last = fid
    out.append(STOP)
    return bytes(out)


def field(s, fid):
    for f in s:
        if f[0] == fid:
            return f
    raise KeyError(fid)


def get(s, *path):
    """Value at a path of field ids; an int after a LIST field indexes it."""
    v = s
    i = 0
    while i < len(path):
        f = field(v, path[i])
        v = f[2]
        i += 1
        if f[1] == LIST and i < len(path):
            v = v[1][path[i]]
            i += 1
    return v


def set_(s, path, value, t=None):
    parent = get(s, *path[:-1]) if len(path) > 1 else s
    if isinstance(parent, tuple):  # a LIST: replace element path[-1]
        parent[1][path[-1]] = value
        return
    for f in parent:
        if f[0] == path[-1]:
            f[2] = value
            if t is not None:
                f[1] = t
            return
    parent.append([path[-1], t, value])
    parent.sort(key=lambda f: f[0])


def remove(s, path):
    parent = get(s, *path[:-1]) if len(path) > 1 else s
    parent[:] = [f for f in parent if f[0] != path[-1]]


# ----------------------------------------------------------------- parquet
# FileMetaData: 1 version, 2 schema, 3 num_rows, 4 row_groups, 5 kv, 6 created_by,
#   8 encryption_algorithm. SchemaElement: 1 type, 2 type_length,
#   3 repetition_type, 4 name, 5 num_children. RowGroup: 1 columns, 2 bytes,
#   3 num_rows. ColumnChunk: 1 file_path, 2 file_offset, 3 meta_data.
# ColumnMetaData: 1 type, 2 encodings, 3 path, 4 codec, 5 num_values,
#   6 total_uncompressed_size, 7 total_compressed_size, 9 data_page_offset,
#   11 dictionary_page_offset. PageHeader: 1 type, 2 uncompressed_page_size,
#   3 compressed_page_size, 5 data_page_header (1 num_values, 2 encoding),
#   7 dictionary_page_header (1 num_values, 2 encoding).
DATA_PAGE, INDEX_PAGE, DICTIONARY_PAGE, DATA_PAGE_V2 = range(4)


class PFile:
    def __init__(self, data):
        self.data = bytearray(data)
        (flen,) = struct.unpack_from("<I", self.data, len(self.data) - 8)
        self.footer_start = len(self.data) - 8 - flen
        self.meta, end = read_struct(self.data, self.footer_start)
        assert end == len(self.data) - 8

    def column_index(self, name):
        schema = get(self.meta, 2)[1]
        for i, el in enumerate(schema[1:]):
            if get(el, 4) == name.encode():
                return i
        raise KeyError(name)

    def chunk_meta(self, col, rg=0):
        return get(self.meta, 4, rg, 1, col, 3)

    def pages(self, col, rg=0):
        """[(header_offset, header_struct, header_len, body_offset)] of a chunk."""
        m = self.chunk_meta(col, rg)
        start = get(m, 9)
        try:
            d = get(m, 11)
            if 0 < d < start:
                start = d
        except KeyError:
            pass
        end = start + get(m, 7)
        out = []
        p = start
        while p < end:
            h, q = read_struct(self.data, p)
            out.append((p, h, q - p, q))
            p = q + get(h, 3)
        return out

    def page(self, col, page_type, rg=0):
        for pg in self.pages(col, rg):
            if get(pg[1], 1) == page_type:
                return pg
        raise KeyError(page_type)

    def splice(self, off, old_len, new):
        """Replaces data[off, off + old_len) by `new`, shifting every footer
        offset past `off` and resizing the column chunk that holds `off`."""
        delta = len(new) - old_len
        self.data[off:off + old_len] = new
        self.footer_start += delta
        if delta == 0:
            return

        def shift(s, fid):
            try:
                v = get(s, fid)
            except KeyError:
                return
            if v > off:
                set_(s, [fid], v + delta)

        for rg in get(self.meta, 4)[1]:
            shift(rg, 5)
            for cc in get(rg, 1)[1]:
                for fid in (2, 4, 6):
                    shift(cc, fid)
                m = get(cc, 3)
                start = get(m, 9)
                try:
                    d = get(m, 11)
                    if 0 < d < start:
                        start = d
                except KeyError:
                    pass
                if start <= off < start + get(m, 7):
                    set_(m, [7], get(m, 7) + delta)
                    set_(m, [6], get(m, 6) + delta)
                for fid in (9, 10, 11):
                    shift(m, fid)

    def rewrite_header(self, pg, mutate):
        """Re-encodes a page header after `mutate` (the file is re-laid out if
        its length changes)."""
        off, h, hlen, _ = pg
        mutate(h)
        self.splice(off, hlen, write_struct(h))

    def bytes(self):
        """The file with its footer re-encoded from self.meta."""
        footer = write_struct(self.meta)
        return bytes(self.data[:self.footer_start]) + footer + struct.pack("<I", len(footer)) + b"PAR1"


def base(name):
    with open(os.path.join(BASE, name), "rb") as f:
        return f.read()


def pfile(name):
    return PFile(base(name))


# ----------------------------------------------------------------- corpus
CORPUS = {}  # file name -> bytes


def add(name, data):
    assert name not in CORPUS, name
    CORPUS[name] = bytes(data)


def footer_mutation(name, src, mutate):
    f = pfile(src)
    mutate(f.meta)
    add(name, f.bytes())


def build():
    plain = base("plain.parquet")
    n = len(plain)
    (flen,) = struct.unpack_from("<I", plain, n - 8)

    # --- size and magic
    add("empty.parquet", b"")
    add("truncated_8_bytes.parquet", plain[:8])
    add("truncated_half.parquet", plain[:n // 2])
    add("truncated_last_byte.parquet", plain[:-1])
    add("truncated_in_footer.parquet", plain[:n - 8 - flen // 2])
    add("bad_head_magic.parquet", b"PAR0" + plain[4:])
    add("bad_tail_magic.parquet", plain[:-4] + b"PAR2")
    add("encrypted_pare.parquet", plain[:-4] + b"PARE")

    # --- footer length and footer bytes
    add("footer_length_too_big.parquet", plain[:-8] + struct.pack("<I", 0x7FFFFFFF) + b"PAR1")
    add("footer_length_past_start.parquet",
        plain[:-8] + struct.pack("<I", n - 11) + b"PAR1")
    add("footer_length_too_small.parquet", plain[:-8] + struct.pack("<I", 10) + b"PAR1")
    garbled = bytearray(plain)
    start = n - 8 - flen
    for i in range(start + 8, start + 40):
        garbled[i] = 0xFF
    add("footer_corrupt_thrift.parquet", garbled)
    # A footer whose schema list claims 2^30 elements (a few bytes long).
    footer = bytes([0x15, 0x02, 0x19, 0xFC]) + varint(1 << 30) + b"\x00" * 16
    add("footer_huge_list.parquet", b"PAR1" + footer + struct.pack("<I", len(footer)) + b"PAR1")

    # --- footer fields
    footer_mutation("footer_negative_num_rows.parquet", "plain.parquet",
                    lambda m: set_(m, [3], -5))
    footer_mutation("footer_num_rows_mismatch.parquet", "plain.parquet",
                    lambda m: set_(m, [3], 1000))
    footer_mutation("footer_missing_schema.parquet", "plain.parquet",
                    lambda m: remove(m, [2]))
    footer_mutation("footer_encryption_algorithm.parquet", "plain.parquet",
                    lambda m: set_(m, [8], [[1, STRUCT, []]], STRUCT))
    footer_mutation("schema_empty.parquet", "plain.parquet",
                    lambda m: set_(m, [2], (STRUCT, [])))
    footer_mutation("schema_root_children_too_many.parquet", "plain.parquet",
                    lambda m: set_(m, [2, 0, 5], 100))
    footer_mutation("schema_bad_physical_type.parquet", "plain.parquet",
                    lambda m: set_(m, [2, 1, 1], 42))
    footer_mutation("schema_bad_repetition.parquet", "plain.parquet",
                    lambda m: set_(m, [2, 1, 3], 7))
    footer_mutation("schema_flba_without_length.parquet", "plain.parquet",
                    lambda m: set_(m, [2, 1, 1], 7))

    def chunk(path_tail, value, col=0, t=None):
        return lambda m: set_(m, [4, 0, 1, col, 3] + path_tail, value, t)

    footer_mutation("chunk_offset_out_of_range.parquet", "plain.parquet",
                    chunk([9], n + 1000))
    footer_mutation("chunk_offset_in_magic.parquet", "plain.parquet", chunk([9], 2))
    footer_mutation("chunk_size_past_footer.parquet", "plain.parquet", chunk([7], n))
    footer_mutation("chunk_negative_size.parquet", "plain.parquet", chunk([7], -5))
    footer_mutation("chunk_type_mismatch.parquet", "plain.parquet", chunk([1], 1))
    footer_mutation("chunk_bad_codec.parquet", "plain.parquet", chunk([4], 99))
    footer_mutation("chunk_lzo_codec.parquet", "plain.parquet", chunk([4], 3))
    footer_mutation("chunk_missing_metadata.parquet", "plain.parquet",
                    lambda m: remove(get(m, 4, 0, 1, 0), [3]))
    footer_mutation("chunk_in_other_file.parquet", "plain.parquet",
                    lambda m: set_(get(m, 4, 0, 1, 0), [1], b"other.parquet", BINARY))
    footer_mutation("chunk_count_mismatch.parquet", "plain.parquet",
                    lambda m: get(m, 4, 0)[0][2][1].pop())
    footer_mutation("row_group_negative_rows.parquet", "plain.parquet",
                    lambda m: (set_(m, [4, 0, 3], -1), set_(m, [3], -1)))
    footer_mutation("row_group_huge_rows.parquet", "plain.parquet",
                    lambda m: (set_(m, [4, 0, 3], 1 << 40), set_(m, [3], 1 << 40)))
    # The row group claims more rows than its pages hold.
    footer_mutation("row_group_rows_exceed_pages.parquet", "plain.parquet",
                    lambda m: (set_(m, [4, 0, 3], 150), set_(m, [3], 150)))
    # The chunk is cut before its last page ends (its length shrunk by 20 bytes).
    f = pfile("plain.parquet")
    set_(f.chunk_meta(0), [7], get(f.chunk_meta(0), 7) - 20)
    add("chunk_size_cuts_page.parquet", f.bytes())

    # --- page headers (column 'id': PLAIN data page; 's': dictionary + data)
    def page_mutation(name, src, col_name, page_type, mutate):
        f = pfile(src)
        pg = f.page(f.column_index(col_name), page_type)
        f.rewrite_header(pg, mutate)
        add(name, f.bytes())

    f = pfile("plain.parquet")
    off = f.pages(f.column_index("id"))[0][0]
    f.data[off:off + 6] = b"\xff" * 6
    add("page_header_corrupt.parquet", f.bytes())
    page_mutation("page_bad_type.parquet", "plain.parquet", "id", DATA_PAGE,
                  lambda h: set_(h, [1], 9))
    page_mutation("page_compressed_size_past_chunk.parquet", "plain.parquet", "id", DATA_PAGE,
                  lambda h: set_(h, [3], get(h, 3) + 64))
    page_mutation("page_negative_size.parquet", "plain.parquet", "id", DATA_PAGE,
                  lambda h: (set_(h, [2], -get(h, 2)), set_(h, [3], -get(h, 3))))
    page_mutation("page_uncompressed_size_differs.parquet", "plain.parquet", "id", DATA_PAGE,
                  lambda h: set_(h, [2], get(h, 2) - 8))
    page_mutation("data_page_too_many_values.parquet", "plain.parquet", "id", DATA_PAGE,
                  lambda h: set_(h, [5, 1], 127))
    page_mutation("data_page_negative_values.parquet", "plain.parquet", "id", DATA_PAGE,
                  lambda h: set_(h, [5, 1], -100))
    page_mutation("data_page_bad_encoding.parquet", "plain.parquet", "id", DATA_PAGE,
                  lambda h: set_(h, [5, 2], 1))
    page_mutation("data_page_wrong_encoding_for_type.parquet", "plain.parquet", "id", DATA_PAGE,
                  lambda h: set_(h, [5, 2], 6))
    page_mutation("dict_page_huge_count.parquet", "plain.parquet", "s", DICTIONARY_PAGE,
                  lambda h: set_(h, [7, 1], 2**31 - 1))
    page_mutation("dict_page_negative_count.parquet", "plain.parquet", "s", DICTIONARY_PAGE,
                  lambda h: set_(h, [7, 1], -5))
    page_mutation("dict_page_bad_encoding.parquet", "plain.parquet", "s", DICTIONARY_PAGE,
                  lambda h: set_(h, [7, 2], 5))
    # The dictionary page turned into a data page: indices without a dictionary.
    page_mutation("dict_page_missing.parquet", "plain.parquet", "s", DICTIONARY_PAGE,
                  lambda h: (set_(h, [1], INDEX_PAGE)))
    page_mutation("snappy_wrong_uncompressed_size.parquet", "snappy.parquet", "id", DATA_PAGE,
                  lambda h: set_(h, [2], get(h, 2) + 1))
    page_mutation("zstd_wrong_uncompressed_size.parquet", "zstd.parquet", "id", DATA_PAGE,
                  lambda h: set_(h, [2], get(h, 2) - 1))
    f = pfile("snappy.parquet")
    _, _, _, body = f.page(f.column_index("id"), DATA_PAGE)
    f.data[body + 4:body + 24] = bytes(range(0xE0, 0xF4))
    add("snappy_corrupt_data.parquet", f.bytes())
    f = pfile("zstd.parquet")
    _, _, _, body = f.page(f.column_index("id"), DATA_PAGE)
    f.data[body:body + 4] = b"\x00\x00\x00\x00"  # not the zstd frame magic
    add("zstd_corrupt_data.parquet", f.bytes())

    # --- page bodies of column 's' (optional: 4-byte length + RLE definition
    # levels, then a bit-width byte + RLE/bit-packed dictionary indices).
    def body_mutation(name, col_name, page_type, mutate):
        f = pfile("plain.parquet")
        _, h, _, body = f.page(f.column_index(col_name), page_type)
        size = get(h, 3)
        new = bytearray(f.data[body:body + size])
        mutate(new, h)
        assert len(new) == size
        f.data[body:body + size] = new
        add(name, f.bytes())

    def indices_at(page):
        (dl,) = struct.unpack_from("<I", page, 0)
        return 4 + dl

    def dict_index_out_of_range(page, h):
        p = indices_at(page)
        count = get(h, 5, 1)
        # Bit width 8, one RLE run of all values = 200 (the dictionary has 5).
        run = bytes([8]) + varint(count << 1) + bytes([200])
        page[p:p + len(run)] = run

    def indices_bit_width_too_big(page, h):
        page[indices_at(page)] = 40

    def def_levels_past_page(page, h):
        page[0:4] = struct.pack("<I", 100000)

    def def_levels_too_short(page, h):
        (dl,) = struct.unpack_from("<I", page, 0)
        # A single RLE run of 3 values: fewer levels than the page's values.
        # The rest of the levels: bit-packed runs of 0 groups (header 0x01).
        run = varint(3 << 1) + b"\x01"
        page[4:4 + dl] = run + b"\x01" * (dl - len(run))

    def def_level_too_big(page, h):
        (dl,) = struct.unpack_from("<I", page, 0)
        count = get(h, 5, 1)
        run = varint(count << 1) + b"\x01"
        # RLE values use ceil(1 / 8) = 1 byte: 1 is the max level; 0x03 breaks it.
        page[4:4 + len(run)] = varint(count << 1) + b"\x03"

    body_mutation("dict_index_out_of_range.parquet", "s", DATA_PAGE, dict_index_out_of_range)
    body_mutation("dict_indices_bit_width_too_big.parquet", "s", DATA_PAGE,
                  indices_bit_width_too_big)
    body_mutation("def_levels_past_page.parquet", "s", DATA_PAGE, def_levels_past_page)
    body_mutation("def_levels_too_few.parquet", "s", DATA_PAGE, def_levels_too_short)
    body_mutation("def_level_too_big.parquet", "s", DATA_PAGE, def_level_too_big)

    # RLE run past the end: the indices are one bit-packed run of 32-bit
    # values announcing 100 groups (3200 bytes): the page ends after 24 values.
    f = pfile("plain.parquet")
    pg = f.page(f.column_index("s"), DATA_PAGE)
    off, h, hlen, body = pg
    size = get(h, 3)
    page = bytearray(f.data[body:body + size])
    p = indices_at(page)
    run = bytes([32]) + varint((100 << 1) | 1)
    page[p:p + len(run)] = run
    page[p + len(run):] = b"\x00" * (size - p - len(run))
    f.data[body:body + size] = page
    add("indices_rle_run_past_end.parquet", f.bytes())

    # PLAIN BIGINT page whose values stop short: the header claims the same
    # number of values but its sizes (and the chunk's) are 400 bytes smaller.
    f = pfile("plain.parquet")
    pg = f.page(f.column_index("id"), DATA_PAGE)
    _, h, _, body = pg
    end = body + get(h, 3)
    f.splice(end - 400, 400, b"")

    def shrink(hh):
        set_(hh, [2], get(hh, 2) - 400)
        set_(hh, [3], get(hh, 3) - 400)
    f.rewrite_header(f.page(f.column_index("id"), DATA_PAGE), shrink)
    add("plain_values_truncated.parquet", f.bytes())

    # --- decompression-bomb shapes, written from scratch: one REQUIRED
    # BYTE_ARRAY column 'blob' of 4 M rows whose dictionary holds one 4 KiB
    # value and whose data page is one RLE run of index 0 (16 GB decoded).
    rows, vlen = 4000000, 4096
    dict_body = struct.pack("<I", vlen) + b"x" * vlen
    dict_h = write_struct([[1, I32, DICTIONARY_PAGE], [2, I32, len(dict_body)],
                           [3, I32, len(dict_body)], [7, STRUCT, [[1, I32, 1], [2, I32, 0]]]])
    data_body = bytes([1]) + varint(rows << 1) + b"\x00"
    data_h = write_struct([[1, I32, DATA_PAGE], [2, I32, len(data_body)],
                           [3, I32, len(data_body)],
                           [5, STRUCT, [[1, I32, rows], [2, I32, 8], [3, I32, 3], [4, I32, 3]]]])
    chunk_bytes = dict_h + dict_body + data_h + data_body
    meta = [[1, I32, 6], [2, LIST, (I32, [0, 8])], [3, LIST, (BINARY, [b"blob"])], [4, I32, 0],
            [5, I64, rows], [6, I64, len(chunk_bytes)], [7, I64, len(chunk_bytes)],
            [9, I64, 4 + len(dict_h) + len(dict_body)], [11, I64, 4]]
    fmd = [[1, I32, 1],
           [2, LIST, (STRUCT, [[[4, BINARY, b"schema"], [5, I32, 1]],
                               [[1, I32, 6], [3, I32, 0], [4, BINARY, b"blob"]]])],
           [3, I64, rows],
           [4, LIST, (STRUCT, [[[1, LIST, (STRUCT, [[[2, I64, 4], [3, STRUCT, meta]]])],
                                [2, I64, len(chunk_bytes)], [3, I64, rows]]])]]
    footer = write_struct(fmd)
    add("dict_expansion_bomb.parquet",
        b"PAR1" + chunk_bytes + footer + struct.pack("<I", len(footer)) + b"PAR1")

    # --- nested schemas (valid files oups does not read)
    for name in ("nested_list.parquet", "nested_map.parquet", "nested_struct.parquet"):
        add(name, base(name))


def main():
    build()
    keep = set(CORPUS) | {"README.md", "make_bad_data.py", "make_base.py", "base"}
    for name, data in sorted(CORPUS.items()):
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
    stale = [x for x in os.listdir(HERE) if x not in keep and not x.startswith("fuzz_")]
    for x in stale:
        print("make_bad_data: removing stale", x)
        os.remove(os.path.join(HERE, x))
    total = sum(len(d) for d in CORPUS.values())
    print("make_bad_data: %d files, %d bytes" % (len(CORPUS), total))


if __name__ == "__main__":
    sys.exit(main())
