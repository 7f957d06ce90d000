/**
 * Consumer groups of a stream (XGROUP, XREADGROUP, XACK, XCLAIM...).
 * Placeholder so the stream type can name it; the groups helper fills it in.
 */
export class ConsumerGroup {}
