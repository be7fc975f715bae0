"""The coach community: a district's community channel, coaches' questions and successes, the weekly roundup."""
