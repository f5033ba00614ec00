//! A bounds-checked reader over a byte slice. Parsers take what they need with `take` and get
//! `None` when the bytes have not arrived yet; no parser indexes the input directly.

#[derive(Clone, Copy, Debug)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Bytes consumed so far.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Bytes left.
    #[inline]
    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// The next `n` bytes, or `None` (consuming nothing) if fewer are left.
    #[inline]
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    /// Up to `n` bytes: whatever is available.
    #[inline]
    pub(crate) fn take_up_to(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.remaining());
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        s
    }

    /// The same reader with the last `n` consumed bytes unread.
    #[inline]
    pub(crate) fn rewound(self, n: usize) -> Self {
        Reader {
            buf: self.buf,
            pos: self.pos - n.min(self.pos),
        }
    }

    #[inline]
    pub(crate) fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N).map(|s| {
            let mut a = [0; N];
            a.copy_from_slice(s);
            a
        })
    }

    #[inline]
    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.array::<1>().map(|[b]| b)
    }

    #[inline]
    pub(crate) fn u16(&mut self) -> Option<u16> {
        self.array().map(u16::from_be_bytes)
    }

    #[inline]
    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_be_bytes)
    }

    #[inline]
    pub(crate) fn i32(&mut self) -> Option<i32> {
        self.array().map(i32::from_be_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_reads_consume_nothing() {
        let mut r = Reader::new(&[0, 1, 2]);
        assert_eq!(r.u32(), None);
        assert_eq!(r.pos(), 0);
        assert_eq!(r.u16(), Some(1));
        assert_eq!(r.take(usize::MAX), None);
        assert_eq!(r.take_up_to(10), &[2]);
        assert_eq!(r.remaining(), 0);
    }
}
