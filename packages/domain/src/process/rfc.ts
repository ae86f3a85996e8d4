import { z } from "zod";

/**
 * Request for change: besides its priority an RFC carries a category (resource needs, business
 * impact, experience with similar changes). MOF 3 category names, recalled [U] (domain.md §4.2).
 */
export const RFC_CATEGORIES = ["STANDARD", "MINOR", "SIGNIFICANT", "MAJOR"] as const;
export const RfcCategorySchema = z.enum(RFC_CATEGORIES, {
  message: "Choose a category: Standard, Minor, Significant or Major",
});
export type RfcCategory = z.infer<typeof RfcCategorySchema>;

export const rfcCategoryLabels: Record<RfcCategory, string> = {
  STANDARD: "Standard",
  MINOR: "Minor",
  SIGNIFICANT: "Significant",
  MAJOR: "Major",
};

export const rfcCategoryDescriptions: Record<RfcCategory, string> = {
  STANDARD: "A routine, pre-approved kind of change.",
  MINOR: "Little effort and little business impact.",
  SIGNIFICANT: "Noticeable effort or business impact; needs the change advisory board.",
  MAJOR: "Large effort or business impact; needs the board and management.",
};
