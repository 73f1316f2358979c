import { Avatar, type AvatarProps } from "@mantine/core";
import { initialsOf } from "./initials";

/** Initials avatar with a stable colour per name. */
export function UserAvatar({ name, ...props }: { name: string } & AvatarProps) {
  return (
    <Avatar name={name} color="initials" alt={name} {...props}>
      {initialsOf(name)}
    </Avatar>
  );
}
