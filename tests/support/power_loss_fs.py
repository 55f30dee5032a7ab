#!/usr/bin/python3
"""A pass-through file system that loses what a power cut loses, for the power-loss tests.

    power_loss_fs.py BACKING MOUNTPOINT

Mounts BACKING at MOUNTPOINT (FUSE, in the foreground, until unmounted with
`fusermount3 -u MOUNTPOINT`) and answers one-line commands on a loopback TCP port, printed
as "control listening on 127.0.0.1:PORT" once the mount is up:

    cut    the power goes. Everything not yet durable is dropped, BACKING is left holding
           exactly what the disk would hold after the cut, and every later operation on the
           mount fails with EIO (the disk is gone) until it is unmounted. Answers
           "ok dropped_writes=N dropped_bytes=N dropped_names=N" (what the cut lost).
    sync   as sync(2): everything becomes durable. Answers "ok".
    stats  "ok pending_writes=N pending_bytes=N pending_names=N file_syncs=N dir_syncs=N".

A clean unmount (without a cut) first makes everything durable, as a clean shutdown does.
BACKING.inodes (beside BACKING) holds the durable content of every file while mounted.

The model: what a power cut leaves
----------------------------------
BACKING always holds the durable state; the mount shows the live state, what programs see.

- File data and size: write() and truncate() change the live file only. fsync() or
  fdatasync() of the file makes its whole live content and size durable. At the cut every
  write since the file's last sync is lost: it holds what it held at that sync (a file never
  synced is empty). A real disk may also have written back some unsynced pages, in any
  order; this model drops all of them: the worst case for "answered before it was synced".
- Names: create, mkdir, unlink, rmdir and rename are journaled in order, as ext4 and XFS
  journal metadata, and become durable only when a directory is fsync()ed, which makes every
  earlier one durable at once (a journal commit). fsync() of a file does not make its own
  name durable: POSIX does not promise it (ext4 and XFS happen to). So a file created,
  written and synced without a directory sync after it is gone after the cut, and a rename
  without one is undone.
- A file's durable content belongs to the file, not to its names: a file synced and later
  named durably by a directory sync shows the content of its last file sync.
- Not modelled: permissions, owners and times (kept live only, never lost), hard and
  symbolic links (refused), extended attributes (not supported), torn sectors.
"""

import errno
import os
import shutil
import socketserver
import stat
import sys
import threading
import time

# The library by name: without it fusepy asks ctypes to search for it, which runs ldconfig.
os.environ.setdefault("FUSE_LIBRARY_PATH", "libfuse.so.2")
try:
    from fusepy import FUSE, FuseOSError, Operations
except (ImportError, OSError) as e:
    sys.exit("power_loss_fs: cannot load fusepy and libfuse2 (Debian: python3-fusepy, fuse3; "
             "tools/setup test installs them): %s" % e)

PAGE = 4096
NEVER = float("inf")


class Node:
    """A live inode: a directory (children) or a file (live content over its durable one)."""

    def __init__(self, ino, is_dir, mode, uid, gid):
        self.ino = ino
        self.is_dir = is_dir
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.times = [time.time_ns()] * 3  # atime, mtime, ctime [ns]
        self.children = {} if is_dir else None
        self.links = 1  # live names
        self.opens = 0
        self.size = 0  # [bytes] live
        self.durable_size = 0  # [bytes] at the last sync
        self.pages = {}  # page index -> bytearray(PAGE): live content written since the last sync
        self.zero_from = NEVER  # live bytes at or past this, outside pages, read as zeros (truncated)
        self.writes = 0  # since the last sync
        self.written = 0  # [bytes] since the last sync


class PowerLossFs(Operations):
    use_ns = True

    def __init__(self, backing):
        self.backing = os.path.abspath(backing)
        self.store = self.backing.rstrip("/") + ".inodes"
        self.mutex = threading.Lock()  # not "lock": fusepy would take it for the lock operation
        self.dead = False
        self.journal = []  # namespace operations not yet durable, in order
        self.handles = {}
        self.next_fh = 1
        self.next_ino = 2
        self.file_syncs = 0
        self.dir_syncs = 0
        shutil.rmtree(self.store, ignore_errors=True)  # left by a run that was killed
        os.mkdir(self.store)
        st = os.lstat(self.backing)
        self.root = Node(1, True, st.st_mode, st.st_uid, st.st_gid)
        self.nodes = {1: self.root}
        by_inode = {}
        self._load(self.backing, self.root, by_inode)

    # ---- the durable state: BACKING, and the content of each file in the store ----------------

    def _load(self, real, node, by_inode):
        for name in sorted(os.listdir(real)):
            path = os.path.join(real, name)
            st = os.lstat(path)
            if stat.S_ISDIR(st.st_mode):
                child = self._new(True, st.st_mode, st.st_uid, st.st_gid)
                self._load(path, child, by_inode)
            elif stat.S_ISREG(st.st_mode):
                child = by_inode.get(st.st_ino)
                if child is None:
                    child = self._new(False, st.st_mode, st.st_uid, st.st_gid)
                    child.size = child.durable_size = st.st_size
                    os.link(path, self._content(child))
                    by_inode[st.st_ino] = child
                    child.links = 0
                child.links += 1
            else:
                continue  # not modelled: left alone, not shown
            child.times = [st.st_atime_ns, st.st_mtime_ns, st.st_ctime_ns]
            node.children[name] = child

    def _new(self, is_dir, mode, uid, gid):
        node = Node(self.next_ino, is_dir, mode, uid, gid)
        self.next_ino += 1
        self.nodes[node.ino] = node
        return node

    def _content(self, node):
        return os.path.join(self.store, str(node.ino))

    def _real(self, path):
        return self.backing + path

    def _sync_file(self, node):
        """Makes the file's live content and size durable."""
        if node.is_dir or (not node.pages and node.zero_from == NEVER and node.size == node.durable_size):
            return
        fd = os.open(self._content(node), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if node.zero_from < node.durable_size:
                os.ftruncate(fd, int(node.zero_from))
            for index, page in node.pages.items():
                start = index * PAGE
                if start < node.size:
                    os.pwrite(fd, page[: min(PAGE, node.size - start)], start)
            os.ftruncate(fd, node.size)
        finally:
            os.close(fd)
        node.durable_size = node.size
        node.pages.clear()
        node.zero_from = NEVER
        node.writes = node.written = 0
        self.file_syncs += 1

    def _commit(self):
        """A journal commit: every namespace operation so far becomes durable, in order."""
        for entry in self.journal:
            op = entry[0]
            try:
                if op == "create":
                    os.link(self._content(entry[2]), self._real(entry[1]))
                elif op == "mkdir":
                    os.mkdir(self._real(entry[1]), entry[2] & 0o7777)
                elif op == "unlink":
                    os.unlink(self._real(entry[1]))
                elif op == "rmdir":
                    os.rmdir(self._real(entry[1]))
                elif op == "rename":
                    os.rename(self._real(entry[1]), self._real(entry[2]))
            except OSError as e:
                # The durable tree went the live tree's way; a step that fails is a fault of
                # this model, not of the program: say so, and the test fails.
                print("power_loss_fs: cannot replay %s %s on %s: %s" % (op, entry[1], self.backing, e),
                      file=sys.stderr, flush=True)
                raise FuseOSError(errno.EIO)
        self.journal.clear()
        self.dir_syncs += 1
        for node in list(self.nodes.values()):
            self._forget(node)

    def _forget(self, node):
        """A file with no live name, not open and no longer in the journal: its content goes."""
        if node.is_dir or node.links > 0 or node.opens > 0 or node.ino == 1:
            return
        if any(e[0] == "create" and e[2] is node for e in self.journal):
            return
        try:
            os.unlink(self._content(node))
        except FileNotFoundError:
            pass
        self.nodes.pop(node.ino, None)

    # ---- control ---------------------------------------------------------------------------

    def command(self, line):
        with self.mutex:
            if line == "cut":
                if self.dead:
                    return "error: already cut"
                files = [n for n in self.nodes.values() if not n.is_dir]
                lost = "ok dropped_writes=%d dropped_bytes=%d dropped_names=%d" % (
                    sum(n.writes for n in files), sum(n.written for n in files), len(self.journal))
                self.dead = True
                self.journal.clear()
                for n in files:
                    n.pages.clear()
                shutil.rmtree(self.store, ignore_errors=True)  # files without a durable name are gone
                return lost
            if line == "sync":
                if self.dead:
                    return "error: cut"
                self._sync_all()
                return "ok"
            if line == "stats":
                files = [n for n in self.nodes.values() if not n.is_dir]
                return "ok pending_writes=%d pending_bytes=%d pending_names=%d file_syncs=%d dir_syncs=%d" % (
                    sum(n.writes for n in files), sum(n.written for n in files), len(self.journal),
                    self.file_syncs, self.dir_syncs)
            return "error: unknown command " + line[:40]

    def _sync_all(self):
        for node in list(self.nodes.values()):
            self._sync_file(node)
        self._commit()

    # ---- FUSE operations on the live state ---------------------------------------------------

    def __call__(self, op, *args):
        with self.mutex:
            if self.dead:
                if op in ("release", "releasedir", "flush", "destroy"):
                    return 0
                raise FuseOSError(errno.EIO)
            return getattr(self, op)(*args)

    def init(self, path):
        server = socketserver.TCPServer(("127.0.0.1", 0), make_handler(self))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print("control listening on 127.0.0.1:%d" % server.server_address[1], flush=True)

    def destroy(self, path):
        if not self.dead:
            self._sync_all()
        shutil.rmtree(self.store, ignore_errors=True)

    def _node(self, path, fh=None):
        if fh:
            node = self.handles.get(fh)
            if node is None:
                raise FuseOSError(errno.EBADF)
            return node
        node = self.root
        for part in path.split("/")[1:]:
            if not part:
                continue
            if not node.is_dir:
                raise FuseOSError(errno.ENOTDIR)
            node = node.children.get(part)
            if node is None:
                raise FuseOSError(errno.ENOENT)
        return node

    def _parent(self, path):
        head, name = path.rsplit("/", 1)
        parent = self._node(head or "/")
        if not parent.is_dir:
            raise FuseOSError(errno.ENOTDIR)
        return parent, name

    def _open(self, node):
        fh = self.next_fh
        self.next_fh += 1
        self.handles[fh] = node
        node.opens += 1
        return fh

    def getattr(self, path, fh=None):
        node = self._node(path, fh)
        if node.is_dir:
            nlink = 2 + sum(1 for c in node.children.values() if c.is_dir)
        else:
            nlink = node.links
        return dict(st_mode=node.mode, st_ino=node.ino, st_nlink=nlink, st_uid=node.uid, st_gid=node.gid,
                    st_size=node.size if not node.is_dir else PAGE, st_blocks=(node.size + 511) // 512,
                    st_atime=node.times[0], st_mtime=node.times[1], st_ctime=node.times[2])

    def access(self, path, amode):
        self._node(path)
        return 0

    def statfs(self, path):
        sv = os.statvfs(self.backing)
        return {k: getattr(sv, k) for k in ("f_bsize", "f_frsize", "f_blocks", "f_bfree", "f_bavail",
                                             "f_files", "f_ffree", "f_favail", "f_flag", "f_namemax")}

    def opendir(self, path):
        if not self._node(path).is_dir:
            raise FuseOSError(errno.ENOTDIR)
        return 0

    def readdir(self, path, fh):
        return [".", ".."] + list(self._node(path).children)

    def fsyncdir(self, path, datasync, fh):
        self._commit()
        return 0

    def mkdir(self, path, mode):
        parent, name = self._parent(path)
        if name in parent.children:
            raise FuseOSError(errno.EEXIST)
        ctx_uid, ctx_gid = os.getuid(), os.getgid()
        parent.children[name] = self._new(True, stat.S_IFDIR | (mode & 0o7777), ctx_uid, ctx_gid)
        self.journal.append(("mkdir", path, mode))
        return 0

    def rmdir(self, path):
        parent, name = self._parent(path)
        node = parent.children.get(name)
        if node is None:
            raise FuseOSError(errno.ENOENT)
        if not node.is_dir:
            raise FuseOSError(errno.ENOTDIR)
        if node.children:
            raise FuseOSError(errno.ENOTEMPTY)
        del parent.children[name]
        self.nodes.pop(node.ino, None)
        self.journal.append(("rmdir", path))
        return 0

    def create(self, path, mode, fi=None):
        parent, name = self._parent(path)
        if name in parent.children:
            raise FuseOSError(errno.EEXIST)
        node = self._new(False, stat.S_IFREG | (mode & 0o7777), os.getuid(), os.getgid())
        open(self._content(node), "wb").close()  # durable content: empty until synced
        parent.children[name] = node
        self.journal.append(("create", path, node))
        return self._open(node)

    def open(self, path, flags):
        node = self._node(path)
        if node.is_dir:
            raise FuseOSError(errno.EISDIR)
        return self._open(node)

    def release(self, path, fh):
        node = self.handles.pop(fh, None)
        if node is not None:
            node.opens -= 1
            self._forget(node)
        return 0

    def flush(self, path, fh):
        return 0

    def fsync(self, path, datasync, fh):
        self._sync_file(self._node(path, fh))
        return 0

    def _read_live(self, node, offset, size):
        end = min(offset + size, node.size)
        if offset >= end:
            return bytearray()
        out = bytearray(end - offset)
        base_end = min(end, node.durable_size, node.zero_from)
        if offset < base_end:
            fd = os.open(self._content(node), os.O_RDONLY)
            try:
                data = os.pread(fd, int(base_end - offset), offset)
            finally:
                os.close(fd)
            out[: len(data)] = data
        for index in range(offset // PAGE, (end - 1) // PAGE + 1):
            page = node.pages.get(index)
            if page is None:
                continue
            start = max(offset, index * PAGE)
            stop = min(end, (index + 1) * PAGE)
            out[start - offset: stop - offset] = page[start - index * PAGE: stop - index * PAGE]
        return out

    def read(self, path, size, offset, fh):
        return bytes(self._read_live(self._node(path, fh), offset, size))

    def write(self, path, data, offset, fh):
        node = self._node(path, fh)
        end = offset + len(data)
        for index in range(offset // PAGE, (end - 1) // PAGE + 1):
            page = node.pages.get(index)
            if page is None:
                page = self._read_live(node, index * PAGE, PAGE)
                page.extend(bytes(PAGE - len(page)))
                node.pages[index] = page
            start = max(offset, index * PAGE)
            stop = min(end, (index + 1) * PAGE)
            page[start - index * PAGE: stop - index * PAGE] = data[start - offset: stop - offset]
        node.size = max(node.size, end)
        node.writes += 1
        node.written += len(data)
        node.times[1] = node.times[2] = time.time_ns()
        return len(data)

    def truncate(self, path, length, fh=None):
        node = self._node(path, fh)
        if node.is_dir:
            raise FuseOSError(errno.EISDIR)
        if length < node.size:
            for index in [i for i in node.pages if i * PAGE >= length]:
                del node.pages[index]
            tail = node.pages.get(length // PAGE)
            if tail is not None:
                tail[length % PAGE:] = bytes(PAGE - length % PAGE)
            node.zero_from = min(node.zero_from, length)
        node.size = length
        node.writes += 1
        node.times[1] = node.times[2] = time.time_ns()
        return 0

    def unlink(self, path):
        parent, name = self._parent(path)
        node = parent.children.get(name)
        if node is None:
            raise FuseOSError(errno.ENOENT)
        if node.is_dir:
            raise FuseOSError(errno.EISDIR)
        del parent.children[name]
        node.links -= 1
        self.journal.append(("unlink", path))
        self._forget(node)
        return 0

    def rename(self, old, new):
        old_parent, old_name = self._parent(old)
        new_parent, new_name = self._parent(new)
        node = old_parent.children.get(old_name)
        if node is None:
            raise FuseOSError(errno.ENOENT)
        if new.startswith(old + "/"):
            raise FuseOSError(errno.EINVAL)
        target = new_parent.children.get(new_name)
        if target is node:
            return 0
        if target is not None:
            if target.is_dir != node.is_dir:
                raise FuseOSError(errno.EISDIR if target.is_dir else errno.ENOTDIR)
            if target.is_dir and target.children:
                raise FuseOSError(errno.ENOTEMPTY)
        del old_parent.children[old_name]
        new_parent.children[new_name] = node
        self.journal.append(("rename", old, new))
        if target is not None:
            target.links -= 1
            if target.is_dir:
                self.nodes.pop(target.ino, None)
            else:
                self._forget(target)
        return 0

    def chmod(self, path, mode):
        node = self._node(path)
        node.mode = (node.mode & ~0o7777) | (mode & 0o7777)
        return 0

    def chown(self, path, uid, gid):
        node = self._node(path)
        if uid != -1 and uid != 0xFFFFFFFF:
            node.uid = uid
        if gid != -1 and gid != 0xFFFFFFFF:
            node.gid = gid
        return 0

    def utimens(self, path, times=None):
        node = self._node(path)
        now = time.time_ns()
        atime, mtime = times if times else (now, now)
        node.times = [atime, mtime, now]
        return 0

    def link(self, target, source):
        raise FuseOSError(errno.EPERM)

    def symlink(self, target, source):
        raise FuseOSError(errno.EPERM)


def make_handler(fs):
    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            line = self.rfile.readline().decode("utf-8", "replace").strip()
            self.wfile.write((fs.command(line) + "\n").encode())

    return Handler


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    backing, mountpoint = sys.argv[1], sys.argv[2]
    fs = PowerLossFs(backing)
    # hard_remove: an open file unlinked is unlinked, not renamed to .fuse_hidden*, so the
    # journal holds what the program did. kernel_cache: every change passes through this
    # mount, so the kernel's pages never go stale. auto_unmount: fusermount takes the mount
    # down if this process dies without unmounting.
    FUSE(fs, mountpoint, foreground=True, nothreads=True, fsname="lookout-power-loss", use_ino=True,
         hard_remove=True, kernel_cache=True, big_writes=True, auto_unmount=True)


if __name__ == "__main__":
    main()
