# Points the GLIBCXX_3.4.32 version requirement of an ELF64 shared library at GLIBCXX_3.4.30, so a library built
# with GCC 13 that needs nothing newer than one symbol (std::ios_base_library_init, supplied by ios_init_shim.cpp)
# loads on Debian 12 (GCC 12). Used by run.sh on the copies under bin/ only; the NuGet cache is left as it is.
import struct, sys
path = sys.argv[1]
b = bytearray(open(path, 'rb').read())
shoff, = struct.unpack_from('<Q', b, 0x28); shentsize, shnum, shstrndx = struct.unpack_from('<HHH', b, 0x3A)
secs = [struct.unpack_from('<IIQQQQIIQQ', b, shoff + i * shentsize) for i in range(shnum)]
def elf_hash(s):
    h = 0
    for c in s.encode():
        h = (h << 4) + c; g = h & 0xf0000000
        if g: h ^= g >> 24
        h &= ~g & 0xffffffff
    return h
verneed = next(s for s in secs if s[1] == 0x6ffffffe)
dynstr = secs[verneed[6]]
def string_at(off):
    start = dynstr[4] + off; end = b.index(0, start); return b[start:end].decode()
strtab = b[dynstr[4]:dynstr[4] + dynstr[5]]
target_off = strtab.find(b'GLIBCXX_3.4.30\0')
assert target_off >= 0, 'no GLIBCXX_3.4.30 string'
off = verneed[4]
while True:
    vn_version, vn_cnt, vn_file, vn_aux, vn_next = struct.unpack_from('<HHIII', b, off)
    aux = off + vn_aux
    for _ in range(vn_cnt):
        vna_hash, vna_flags, vna_other, vna_name, vna_next = struct.unpack_from('<IHHII', b, aux)
        if string_at(vna_name) == 'GLIBCXX_3.4.32':
            struct.pack_into('<IHHII', b, aux, elf_hash('GLIBCXX_3.4.30'), vna_flags, vna_other, target_off, vna_next)
            print('patched', path)
        if not vna_next: break
        aux += vna_next
    if not vn_next: break
    off += vn_next
open(path, 'wb').write(b)
