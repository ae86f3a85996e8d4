import { etagFor, UserSchema, type CreateUserBody, type UpdateUserBody, type User } from "@firebreak/domain";
import { useMutation } from "@tanstack/react-query";
import { createApi } from "../../api/client";
import { userKeys } from "./users.queries";

export function useCreateUser() {
  return useMutation({
    mutationFn: (body: CreateUserBody, { client }) => createApi(client).post("/api/users", body, UserSchema),
    onSuccess: (_user, _body, _result, { client }) => client.invalidateQueries({ queryKey: userKeys.all }),
  });
}

export interface UpdateUserVariables {
  user: Pick<User, "id" | "version">;
  body: UpdateUserBody;
}

/** PATCH with If-Match: the API answers 412 when someone else changed the user since we read it. */
export function useUpdateUser() {
  return useMutation({
    mutationFn: ({ user, body }: UpdateUserVariables, { client }) =>
      createApi(client).patch(`/api/users/${encodeURIComponent(user.id)}`, body, UserSchema, {
        headers: { "if-match": etagFor(user.version) },
      }),
    onSuccess: (_user, _variables, _result, { client }) => client.invalidateQueries({ queryKey: userKeys.all }),
  });
}
