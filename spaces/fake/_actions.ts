/**
 * Attachment actions (submitted cards) and the `/attachment/actions`
 * endpoints.
 *
 * @module
 */

import { HttpError, json, MESSAGES, readJsonObject } from "./_http.ts";
import type { Handler } from "./_router.ts";
import type { ActionRecord, PersonRecord, State } from "./_state.ts";
import { fakeWebexId } from "./ids.ts";
import type { FakeAttachmentAction } from "./webex_types.ts";

/** The action as the API renders it. */
export function actionJson(
  state: State,
  action: ActionRecord,
): FakeAttachmentAction {
  return {
    id: action.id,
    type: "submit",
    messageId: fakeWebexId("MESSAGE", action.messageUuid),
    inputs: structuredClone(action.inputs),
    personId: state.personRef(action.personUuid),
    roomId: state.rooms.get(action.roomUuid)?.id ??
      fakeWebexId("ROOM", action.roomUuid),
    created: action.created,
  };
}

/** What a submit is made from. */
export interface ActionInput {
  type?: unknown;
  messageId?: unknown;
  inputs?: unknown;
}

/**
 * Submits the card of a message as `person`, as `POST /attachment/actions`
 * does, and tells listeners.
 */
export function createAction(
  state: State,
  person: PersonRecord,
  input: ActionInput,
): ActionRecord {
  if (input.type !== "submit") {
    throw new HttpError(
      400,
      `Field 'type' must be 'submit', got '${String(input.type)}'.`,
    );
  }
  if (typeof input.messageId !== "string" || input.messageId === "") {
    throw new HttpError(400, "Field 'messageId' is required.");
  }
  const { inputs } = input;
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) {
    throw new HttpError(400, "Field 'inputs' must be an object.");
  }
  const message = state.find(state.messages, "MESSAGE", input.messageId);
  if (message.deleted || !state.membership(message.roomUuid, person.uuid)) {
    throw new HttpError(404, MESSAGES.notFound);
  }
  if (!message.attachments?.length) {
    throw new HttpError(
      400,
      "The message has no card attachment to submit.",
    );
  }
  const uuid = crypto.randomUUID();
  const action: ActionRecord = {
    uuid,
    id: fakeWebexId("ATTACHMENT_ACTION", uuid),
    messageUuid: message.uuid,
    personUuid: person.uuid,
    roomUuid: message.roomUuid,
    inputs: structuredClone(inputs as Record<string, unknown>),
    created: state.now(),
  };
  state.actions.set(uuid, action);
  state.emit({
    resource: "attachmentActions",
    event: "created",
    actorUuid: person.uuid,
    roomUuid: message.roomUuid,
    data: actionJson(state, action),
  });
  return action;
}

/** Whether a person may read an action: who submitted it, or the card's author. */
export function mayReadAction(
  state: State,
  action: ActionRecord,
  personUuid: string,
): boolean {
  return action.personUuid === personUuid ||
    state.messages.get(action.messageUuid)?.personUuid === personUuid;
}

/** The `/attachment/actions` endpoints. */
export const actionRoutes: Record<string, Handler> = {
  "POST /attachment/actions": async ({ state, request, caller }) => {
    const body = await readJsonObject(request);
    const action = createAction(state, caller, body);
    // The spec answers a created action with 202 Accepted.
    return json(actionJson(state, action), 202);
  },
  "GET /attachment/actions/{id}": ({ state, id, caller }) => {
    const action = state.find(state.actions, "ATTACHMENT_ACTION", id);
    if (!mayReadAction(state, action, caller.uuid)) {
      throw new HttpError(404, MESSAGES.notFound);
    }
    return json(actionJson(state, action));
  },
};
