//! One reusable scratch space for the whole module: f32 values (packed weights, then a kernel's
//! own scratch) and indirection pointers. It grows to the largest call seen and is reused, so kernels never allocate per call;
//! `workspace_release` gives it back. Growth is fallible: out of memory is a status, not a trap.

pub struct OutOfMemory;

pub struct Workspace {
    floats: Vec<f32>,
    pointers: Vec<*const f32>,
}

static mut WORKSPACE: Workspace = Workspace { floats: Vec::new(), pointers: Vec::new() };

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
    /// Grows to hold at least `floats` values and `pointers` pointers; never shrinks.
    pub fn reserve(&mut self, floats: usize, pointers: usize) -> Result<(), OutOfMemory> {
        grow(&mut self.floats, floats, 0.0)?;
        grow(&mut self.pointers, pointers, std::ptr::null())
    }

    /// The first `first` values, the rest of the values, and the pointers.
    pub fn split(&mut self, first: usize) -> (&mut [f32], &mut [f32], &mut [*const f32]) {
        let (a, rest) = self.floats.split_at_mut(first);
        (a, rest, &mut self.pointers)
    }

    pub fn bytes(&self) -> usize {
        4 * self.floats.capacity() + std::mem::size_of::<*const f32>() * self.pointers.capacity()
    }

    pub fn release(&mut self) {
        *self = Workspace { floats: Vec::new(), pointers: Vec::new() };
    }
}

/// Reserves `floats` of workspace and runs `kernel` on them.
pub fn with_scratch(floats: usize, kernel: impl FnOnce(&mut [f32])) -> Result<(), OutOfMemory> {
    let ws = workspace();
    ws.reserve(floats, 0)?;
    let (_, scratch, _) = ws.split(0);
    kernel(scratch);
    Ok(())
}
