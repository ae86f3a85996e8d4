import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { caseDetail, uuid } from "../../../test/process-fixtures";
import { apiError, mockApi, sessionFor } from "../../../test/mock-api";
import { renderApp } from "../../../test/render-app";
import { actionBody } from "./action-forms";
import { caseGates } from "./case-gates";

const CASE = `/api/cases/${uuid(10)}`;

async function openCase(routes: Parameters<typeof mockApi>[0] = {}, detail = caseDetail()) {
  const api = mockApi({
    "GET /api/auth/session": { body: sessionFor("ERT_LEAD") },
    [`GET ${CASE}`]: { body: detail },
    ...routes,
  });
  const app = renderApp(`/triage/cases/${uuid(10)}`);
  await screen.findByRole("heading", { level: 1, name: /KB835732 · MS04-011/ });
  return { api, ...app };
}

const actions = () => screen.getByRole("region", { name: "Next steps" });

describe("Case page", () => {
  it("shows a disabled action with the reason, next to it and linked to it", async () => {
    await openCase();
    const button = within(actions()).getByRole("button", { name: "Accept release" });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(
      "Not available: G5 Release built and accepted is not met: the ERT lead must record acceptance of reduced testing first.",
    );
    expect(within(actions()).getByRole("button", { name: "Accept reduced testing" })).toBeEnabled();
  });

  it("shows a 409 as the unmet gate, in words", async () => {
    const { user, api } = await openCase({
      [`POST ${CASE}/actions`]: apiError(
        409,
        "ILLEGAL_TRANSITION",
        "G5 Release built and accepted is not met: every core-functionality test must pass; 1 core test has not passed.",
      ),
    });
    await user.click(within(actions()).getByRole("button", { name: "Accept reduced testing" }));
    const dialog = await screen.findByRole("dialog");
    await user.type(
      within(dialog).getByRole("textbox", { name: "Why this is the lesser risk" }),
      "Infections are rising fast",
    );
    await user.click(within(dialog).getByRole("button", { name: "Accept reduced testing" }));
    const alert = await within(dialog).findByRole("alert");
    expect(alert).toHaveTextContent("G5 Release built and accepted is not met");
    expect(alert).toHaveTextContent("Every core-functionality test must pass; 1 core test has not passed.");
    const [call] = api.callsTo("POST", `${CASE}/actions`);
    expect(call?.headers.get("if-match")).toBe('W/"3"');
    expect(call?.body).toEqual({ type: "acceptReducedTesting", rationale: "Infections are rising fast" });
  });

  it("validates the action's form with its body schema before sending", async () => {
    const { user, api } = await openCase();
    await user.click(within(actions()).getByRole("button", { name: "Accept reduced testing" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Accept reduced testing" }));
    expect(
      await within(dialog).findByText(
        "Say why deploying before the full suite has run is the lesser risk (at least 10 characters)",
      ),
    ).toBeInTheDocument();
    expect(api.callsTo("POST", `${CASE}/actions`)).toHaveLength(0);
  });

  it("asks to reload after a 412", async () => {
    const { user } = await openCase({
      [`POST ${CASE}/actions`]: apiError(412, "PRECONDITION_FAILED", "The case changed since you read it."),
    });
    await user.click(within(actions()).getByRole("button", { name: "Accept reduced testing" }));
    const dialog = await screen.findByRole("dialog");
    await user.type(within(dialog).getByRole("textbox", { name: "Why this is the lesser risk" }), "Worm is spreading");
    await user.click(within(dialog).getByRole("button", { name: "Accept reduced testing" }));
    expect(await within(dialog).findByText("Changed by someone else — reload")).toBeInTheDocument();
  });

  it("moves on with the API's answer after a successful action", async () => {
    const after = caseDetail({
      version: 4,
      status: "READY",
      phase: "DEPLOY",
      availableActions: [{ action: "startDeployment", label: "Start deployment", enabled: true }],
    });
    const { user } = await openCase({ [`POST ${CASE}/actions`]: { body: after } });
    await user.click(within(actions()).getByRole("button", { name: "Accept reduced testing" }));
    const dialog = await screen.findByRole("dialog");
    await user.type(within(dialog).getByRole("textbox", { name: "Why this is the lesser risk" }), "Worm is spreading");
    await user.click(within(dialog).getByRole("button", { name: "Accept reduced testing" }));
    expect(await within(actions()).findByRole("button", { name: "Start deployment" })).toBeEnabled();
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
  });

  it("shows the gates, the priority decisions with who and why, and that a person decides", async () => {
    await openCase();
    const phases = screen.getByRole("region", { name: "Phases and gates" });
    expect(within(phases).getByText("G4 Priority confirmed")).toBeInTheDocument();
    expect(within(phases).getByRole("listitem", { current: "step" })).toHaveTextContent("Evaluate & Plan");
    const confirmation = screen.getByRole("region", { name: "Priority confirmation" });
    expect(confirmation).toHaveTextContent("Confirmed: Emergency");
    expect(confirmation).toHaveTextContent("Port 445 blocked at the perimeter");
    expect(confirmation).toHaveTextContent("ert-lead (ERT lead)");
    expect(screen.getByRole("heading", { name: "Suggested priority — a person decides" })).toBeInTheDocument();
  });

  it("records a test result with If-Match of the test's version; open tests stay listed", async () => {
    const { user, api } = await openCase({ [`POST ${CASE}/tests/${uuid(31)}/result`]: { body: caseDetail() } });
    const tests = screen.getByRole("region", { name: "Acceptance tests" });
    expect(within(tests).getByRole("row", { name: /Line-of-business applications/ })).toHaveTextContent("Pending");
    await user.click(within(tests).getByRole("button", { name: "Record result for Line-of-business applications" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("radio", { name: "Skipped" }));
    await user.click(within(dialog).getByRole("button", { name: "Record result" }));
    expect(await within(dialog).findByText("Say why the test is skipped")).toBeInTheDocument();
    await user.type(within(dialog).getByRole("textbox", { name: "Why it is skipped" }), "Not in this estate");
    await user.click(within(dialog).getByRole("button", { name: "Record result" }));
    await waitFor(() => expect(api.callsTo("POST", `${CASE}/tests/${uuid(31)}/result`)).toHaveLength(1));
    const [call] = api.callsTo("POST", `${CASE}/tests/${uuid(31)}/result`);
    expect(call?.headers.get("if-match")).toBe('W/"1"');
    expect(call?.body).toEqual({ result: "SKIPPED", skipReason: "Not in this estate" });
  });
});

describe("case helpers", () => {
  it("builds nested action bodies from flat form values", () => {
    expect(
      actionBody("confirmPriority", {
        finalPriority: "HIGH",
        category: "",
        "rationale.assetsExposed": "Web servers",
        "rationale.mitigations": "none",
        "rationale.scope": "40 servers",
        "rationale.exploitedInTheWild": "no",
      }),
    ).toEqual({
      finalPriority: "HIGH",
      rationale: { assetsExposed: "Web servers", mitigations: "none", scope: "40 servers", exploitedInTheWild: false },
    });
    expect(actionBody("halt", { reason: "Blue screens", alsoDisableAdvertisement: true })).toEqual({
      reason: "Blue screens",
      alsoDisableAdvertisement: true,
    });
  });

  it("reads the gates from the record", () => {
    const gates = caseGates(caseDetail());
    expect(gates.filter((g) => g.state === "MET").map((g) => g.gate)).toEqual(["G0", "G1", "G3", "G4"]);
    expect(gates.find((g) => g.gate === "G2")?.state).toBe("NOT_MET");
  });
});
