import { AdvertFlags, advertisementDialogLabels } from "@firebreak/domain";
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { advertisement, collection, FLEET, statusSummary } from "../../../test/fleet-fixtures";
import { apiError, mockApi, sessionFor } from "../../../test/mock-api";
import { renderApp } from "../../../test/render-app";
import {
  addAsSoonAsPossible,
  draftFromRecord,
  removeAssignment,
  setScheduleBoxes,
  slowLinkVerdict,
} from "./advertisement-draft";

const ADVERT = `${FLEET}/advertisements/CEN20001`;

async function openAdvert(
  record = advertisement(),
  routes: Parameters<typeof mockApi>[0] = {},
  role: "SMS_ADMIN" | "ERT_MEMBER" = "SMS_ADMIN",
) {
  const api = mockApi({
    "GET /api/auth/session": { body: sessionFor(role) },
    [`GET ${ADVERT}`]: { body: record },
    [`GET ${ADVERT}/status`]: { body: statusSummary },
    [`GET ${FLEET}/collections`]: { body: { items: [collection()] } },
    ...routes,
  });
  const app = renderApp("/sites/advertisements/CEN20001");
  await screen.findByRole("heading", { name: record.advertisementName, level: 1 });
  return { api, ...app };
}

const slowLinkBox = () => screen.getByRole("checkbox", { name: advertisementDialogLabels.notMandatoryOverSlowLinks });

describe("Advertisement → Schedule tab", () => {
  it("keeps the slow-link box disabled (and checked) without a mandatory assignment", async () => {
    await openAdvert();
    expect(slowLinkBox()).toBeDisabled();
    expect(slowLinkBox()).toBeChecked();
    expect(
      screen.getByRole("checkbox", { name: advertisementDialogLabels.allowUsersToRunIndependently }),
    ).toBeDisabled();
  });

  it("a new mandatory assignment shows the box checked; unchecking it sets ONSLOWNET in the PUT", async () => {
    const saved = advertisement({ version: 8, advertFlags: 0x04000020, mandatory: true, mandatoryOverSlowLinks: true });
    const { user, api } = await openAdvert(advertisement(), { [`PUT ${ADVERT}`]: { body: saved } });
    await user.click(screen.getByRole("button", { name: "Add “As soon as possible”" }));
    expect(
      within(screen.getByRole("list", { name: advertisementDialogLabels.mandatoryAssignments })).getByText(
        "As soon as possible",
      ),
    ).toBeInTheDocument();
    expect(slowLinkBox()).toBeEnabled();
    expect(slowLinkBox()).toBeChecked();

    await user.click(slowLinkBox());
    expect(slowLinkBox()).not.toBeChecked();
    // The emergency question is answered for the unsaved draft too.
    expect(
      screen.getByText(
        /After saving: dial-up and slow-boundary clients WILL NOT BE FORCED, because the Advanced Client tab says/,
      ),
    ).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Save advertisement" }));
    await waitFor(() => expect(api.callsTo("PUT", ADVERT)).toHaveLength(1));
    const [put] = api.callsTo("PUT", ADVERT);
    const body = put?.body as {
      advertFlags: number;
      advertisementId: string;
      state: string;
      remoteClientFlags: number;
    };
    expect(AdvertFlags.namesOf(body.advertFlags)).toEqual(["IMMEDIATE", "ONSLOWNET"]);
    expect(body).toMatchObject({ advertisementId: "CEN20001", state: "ACTIVE", remoteClientFlags: 0x30 });
    expect(put?.headers.get("if-match")).toBe('W/"7"');
  });

  it("states prominently whether dial-up and slow-boundary clients will be forced", async () => {
    await openAdvert(
      advertisement({
        advertFlags: 0x04000000,
        remoteClientFlags: 0x50,
        assignedSchedule: [{ startTime: "2026-05-01T19:00:00.000Z" }],
        assignedScheduleEnabled: true,
        mandatory: true,
        mandatoryOverSlowLinks: true,
        noLocalDpMode: "DOWNLOAD_REMOTE",
        forcesDialUpClients: true,
        forcesSlowBoundaryClients: true,
      }),
    );
    const box = screen.getByRole("region", { name: /Slow links and dial-up/ });
    expect(box).toHaveTextContent("Dial-up clients will be forced to run the program.");
    expect(box).toHaveTextContent("Clients in slow (remote) boundaries will be forced to run the program.");
    expect(slowLinkBox()).toBeEnabled();
    expect(slowLinkBox()).not.toBeChecked();
  });

  it("changes the Advanced Client choices through RemoteClientFlags", async () => {
    const { user, api } = await openAdvert(advertisement({ advertFlags: 0x20, mandatory: true }), {
      [`PUT ${ADVERT}`]: { body: advertisement() },
    });
    await user.click(screen.getByRole("tab", { name: "Advanced Client" }));
    await user.click(screen.getByRole("radio", { name: "Download program from remote distribution point" }));
    await user.click(screen.getByRole("radio", { name: "Run program from distribution point" }));
    await user.click(screen.getByRole("button", { name: "Save advertisement" }));
    await waitFor(() => expect(api.callsTo("PUT", ADVERT)).toHaveLength(1));
    expect((api.callsTo("PUT", ADVERT)[0]?.body as { remoteClientFlags: number }).remoteClientFlags).toBe(0x08 | 0x40);
  });

  it("shows the status by client state and compliance", async () => {
    await openAdvert();
    const status = await screen.findByRole("region", { name: "Status" });
    await within(status).findByText(/80\.0 % succeeded/);
    expect(within(status).getByText("Succeeded")).toBeInTheDocument();
    expect(within(status).getByText("No status yet")).toBeInTheDocument();
    expect(within(status).getByText("12")).toBeInTheDocument();
  });

  it("explains a 412 on save", async () => {
    const { user } = await openAdvert(advertisement(), {
      [`PUT ${ADVERT}`]: apiError(412, "PRECONDITION_FAILED", "Version mismatch"),
    });
    await user.click(screen.getByRole("tab", { name: "General" }));
    await user.click(screen.getByRole("switch", { name: /Advertisement enabled/ }));
    await user.click(screen.getByRole("button", { name: "Save advertisement" }));
    expect(await screen.findByText("Changed by someone else — reload")).toBeInTheDocument();
  });

  it("has no edit controls for roles that only read the fleet", async () => {
    await openAdvert(advertisement(), {}, "ERT_MEMBER");
    expect(screen.queryByRole("button", { name: "Save advertisement" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Add “As soon as possible”" })).not.toBeInTheDocument();
    expect(screen.getByText("Only SMS administrators can change advertisements.")).toBeInTheDocument();
  });
});

describe("advertisement draft", () => {
  it("resets the greyed-out boxes when the last mandatory assignment is removed", () => {
    let d = addAsSoonAsPossible(draftFromRecord(advertisement()));
    d = setScheduleBoxes(d, { notMandatoryOverSlowLinks: false, allowUsersToRunIndependently: false });
    expect(AdvertFlags.namesOf(d.advertFlags)).toEqual(["IMMEDIATE", "NO_DISPLAY", "ONSLOWNET"]);
    d = removeAssignment(d, { kind: "IMMEDIATE" });
    expect(d.advertFlags).toBe(0);
  });

  it("explains the verdict in words", () => {
    const d = addAsSoonAsPossible(draftFromRecord(advertisement()));
    expect(slowLinkVerdict(d, false)).toEqual({
      forced: false,
      reason: `“${advertisementDialogLabels.notMandatoryOverSlowLinks}” is checked`,
    });
    expect(slowLinkVerdict(d, true).reason).toMatch(/program is disabled/);
    const forced = { ...setScheduleBoxes(d, { notMandatoryOverSlowLinks: false }), remoteClientFlags: 0x50 };
    expect(slowLinkVerdict(forced, false).forced).toBe(true);
  });
});
