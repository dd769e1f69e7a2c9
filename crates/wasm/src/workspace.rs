//! One reusable scratch space for the whole module: packed weights, indirection pointers and a
//! zero row. It grows to the largest call seen and is reused, so kernels never allocate per call;
//! `workspace_release` gives it back. Growth is fallible: out of memory is a status, not a trap.

pub struct OutOfMemory;

pub struct Workspace {
    floats: Vec<f32>,
    pointers: Vec<*const f32>,
    zeros: Vec<f32>,
}

static mut WORKSPACE: Workspace = Workspace { floats: Vec::new(), pointers: Vec::new(), zeros: Vec::new() };

/// The module is single-threaded (one instance per worker), so one global scratch space is safe.
pub fn workspace() -> &'static mut Workspace {
    // SAFETY: wasm32 without threads: no concurrent access; exports never re-enter.
    unsafe { &mut *std::ptr::addr_of_mut!(WORKSPACE) }
}

fn grow<T: Copy>(v: &mut Vec<T>, len: usize, fill: T) -> Result<(), OutOfMemory> {
    if v.len() < len {
        v.try_reserve_exact(len - v.len()).map_err(|_| OutOfMemory)?;
        v.resize(len, fill);
    }
    Ok(())
}

impl Workspace {
    pub fn reserve(&mut self, floats: usize, pointers: usize, zeros: usize) -> Result<(), OutOfMemory> {
        grow(&mut self.floats, floats, 0.0)?;
        grow(&mut self.pointers, pointers, std::ptr::null())?;
        grow(&mut self.zeros, zeros, 0.0)
    }

    /// Two float areas of the given lengths, the pointer area and the zero row.
    pub fn split(&mut self, first: usize, second: usize) -> (&mut [f32], &mut [f32], &mut [*const f32], &[f32]) {
        let (a, rest) = self.floats.split_at_mut(first);
        (a, &mut rest[..second], &mut self.pointers, &self.zeros)
    }

    pub fn bytes(&self) -> usize {
        4 * self.floats.capacity() + std::mem::size_of::<*const f32>() * self.pointers.capacity() + 4 * self.zeros.capacity()
    }

    pub fn release(&mut self) {
        *self = Workspace { floats: Vec::new(), pointers: Vec::new(), zeros: Vec::new() };
    }
}
