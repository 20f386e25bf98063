// Room names, shared by the socket server and the browser (no server-only imports here).

export type SubscribeRoom = { rolloutId: string } | "overview";

export const overviewRoom = "overview";
export const rolloutRoom = (rolloutId: string) => `rollout:${rolloutId}`;

/** The room a client's request stands for; also the `room` of every event it receives there. */
export const roomName = (room: SubscribeRoom) =>
  room === overviewRoom ? overviewRoom : rolloutRoom(room.rolloutId);
