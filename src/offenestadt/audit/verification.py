"""Recompute the audit chain and say where, if anywhere, it was rewritten."""

from dataclasses import dataclass

from offenestadt.audit.models import GENESIS_HASH, AuditEntry, ChainHead, Checkpoint


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None and not self.problem


def verify_chain(*, checkpoints: list[tuple[int, str]] | None = None) -> ChainReport:
    """Check every entry's payload digest and link, then the head and the checkpoints.

    ``checkpoints`` are (seq, hash) pairs someone saved earlier; the stored, published
    checkpoints are always checked as well.
    """
    expected: dict[int, str] = dict(Checkpoint.objects.values_list("seq", "entry_hash"))
    expected.update(checkpoints or [])
    prev_hash, count = GENESIS_HASH, 0
    rows = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    for entry in rows:
        count += 1
        if entry.seq != count:
            return ChainReport(count - 1, prev_hash, entry.seq, f"entry {count} is missing")
        if entry.prev_hash != prev_hash:
            return ChainReport(count - 1, prev_hash, entry.seq, "does not link to the entry before")
        if entry.compute_payload_digest() != entry.payload_digest:
            return ChainReport(count - 1, prev_hash, entry.seq, "its content was changed")
        if AuditEntry.chain_hash(prev_hash, entry.payload_digest) != entry.entry_hash:
            return ChainReport(count - 1, prev_hash, entry.seq, "its hash was changed")
        if entry.seq in expected and expected[entry.seq] != entry.entry_hash:
            return ChainReport(
                count - 1, prev_hash, entry.seq, "differs from a published checkpoint"
            )
        prev_hash = entry.entry_hash
    head = ChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.entry_hash) if head else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (count, prev_hash):
        return ChainReport(
            count, prev_hash, None, f"the chain ends at entry {count}, its head says {head_seq}"
        )
    beyond = [seq for seq in expected if seq > count]
    if beyond:
        return ChainReport(
            count, prev_hash, min(beyond), "a checkpoint names an entry that no longer exists"
        )
    return ChainReport(count, prev_hash)
