import {
  HOURS_PER_DAY,
  PULSE_BLOCK_KB_MAX,
  PULSE_BLOCK_KB_MIN,
  PULSE_DELAY_SECONDS_MAX,
  PULSE_DELAY_SECONDS_MIN,
  RATE_MODES,
  rateModeLabels,
  type RateMode,
} from "@firebreak/domain";
import { Group, NumberInput, Radio, SimpleGrid, Stack, Text } from "@mantine/core";
import { formatHour } from "../hour-usage";
import type { RateLimitDraft, RateLimitErrors } from "../rate-limit-draft";

interface RateLimitsFieldsProps {
  draft: RateLimitDraft;
  onChange: (next: RateLimitDraft) => void;
  errors: RateLimitErrors;
  readOnly?: boolean;
}

const modeHelp: Record<RateMode, string> = {
  UNLIMITED: "The sender may use the whole link.",
  PULSE: "Sends fixed blocks with a pause after each, for very thin or busy links.",
  HOURLY_LIMIT:
    "For each local hour, the share of the link the sender may use (50 % = send a block, then pause as long as it took).",
};

const asNumber = (v: string | number): number | "" => (typeof v === "number" ? v : v.trim() === "" ? "" : Number(v));

/** The address Rate Limits tab: Unlimited / Pulse mode / Limited by hour. */
export function RateLimitsFields({ draft, onChange, errors, readOnly = false }: RateLimitsFieldsProps) {
  const set = (patch: Partial<RateLimitDraft>) => onChange({ ...draft, ...patch });
  return (
    <Stack gap="md">
      <Radio.Group
        label="Rate limits"
        value={draft.mode}
        onChange={(mode) => set({ mode: mode as RateMode })}
        error={errors.mode}
      >
        <Stack gap="xs" mt="xs">
          {RATE_MODES.map((mode) => (
            <Radio
              key={mode}
              value={mode}
              label={rateModeLabels[mode]}
              description={modeHelp[mode]}
              disabled={readOnly}
            />
          ))}
        </Stack>
      </Radio.Group>

      {draft.mode === "PULSE" ? (
        <Group align="flex-start" gap="md">
          <NumberInput
            label="Size of data block (KB)"
            min={PULSE_BLOCK_KB_MIN}
            max={PULSE_BLOCK_KB_MAX}
            allowDecimal={false}
            clampBehavior="none"
            description={`${PULSE_BLOCK_KB_MIN}–${PULSE_BLOCK_KB_MAX} KB`}
            value={draft.blockSizeKB}
            onChange={(v) => set({ blockSizeKB: asNumber(v) })}
            error={errors.blockSizeKB}
            readOnly={readOnly}
            w={220}
          />
          <NumberInput
            label="Delay between data blocks (seconds)"
            min={PULSE_DELAY_SECONDS_MIN}
            max={PULSE_DELAY_SECONDS_MAX}
            allowDecimal={false}
            clampBehavior="none"
            description={`${PULSE_DELAY_SECONDS_MIN}–${PULSE_DELAY_SECONDS_MAX} seconds`}
            value={draft.delaySeconds}
            onChange={(v) => set({ delaySeconds: asNumber(v) })}
            error={errors.delaySeconds}
            readOnly={readOnly}
            w={260}
          />
        </Group>
      ) : null}

      {draft.mode === "HOURLY_LIMIT" ? (
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <Text component="legend" fw={500} size="sm" mb={4}>
            Limit per hour (% of the connection bandwidth, 1–100)
          </Text>
          <SimpleGrid cols={{ base: 3, sm: 6, lg: 8 }} spacing="xs" verticalSpacing="xs">
            {Array.from({ length: HOURS_PER_DAY }, (_, hour) => (
              <NumberInput
                key={hour}
                label={`${formatHour(hour)} limit (%)`}
                size="xs"
                min={1}
                max={100}
                allowDecimal={false}
                clampBehavior="none"
                suffix=" %"
                value={draft.hourlyLimitPct[hour] ?? ""}
                onChange={(v) => {
                  const next = [...draft.hourlyLimitPct];
                  next[hour] = asNumber(v);
                  set({ hourlyLimitPct: next });
                }}
                error={errors[`hourlyLimitPct.${hour}`]}
                readOnly={readOnly}
              />
            ))}
          </SimpleGrid>
        </fieldset>
      ) : null}
    </Stack>
  );
}
