"""Uploads, the fake's CDN, files the bot sends, permission overrides and modal labels."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import FakeDiscord, World, run_bot

MANAGE_GUILD = 1 << 5


class NoteModal(discord.ui.Modal, title="Note"):
    """Inputs without custom_ids: discord.py makes random ones, so tests fill them by label."""

    subject: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Subject", max_length=50)
    body: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Body", style=discord.TextStyle.paragraph, required=False
    )
    folder: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Folder", default="inbox")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"{self.subject.value}|{self.body.value}|{self.folder.value}", ephemeral=True
        )


class FileBot(commands.Bot):
    """Reads uploads, sends files back, and has one command hidden behind Manage Server."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            command_prefix="!",
            intents=discord.Intents(guilds=True),
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.guild_id = guild_id
        self.seen: list[discord.Attachment] = []
        self.permissions_seen: list[discord.Permissions] = []
        self._register()

    async def setup_hook(self) -> None:
        guild = discord.Object(self.guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)

    def _register(self) -> None:
        tree = self.tree

        @tree.command(name="digest", description="Hash an uploaded file")
        async def digest(
            interaction: discord.Interaction, file: discord.Attachment, cached: bool = False
        ) -> None:
            self.seen.append(file)
            data = await file.read(use_cached=cached)
            await interaction.response.send_message(
                f"{file.filename} {len(data)} {hashlib.sha256(data).hexdigest()[:12]}",
                ephemeral=True,
            )

        @tree.command(name="export", description="Send a file back, privately")
        async def export(interaction: discord.Interaction, text: str) -> None:
            await interaction.response.send_message(
                "here", file=discord.File(io.BytesIO(text.encode()), "out.yaml"), ephemeral=True
            )
            await interaction.followup.send(
                "and a copy",
                files=[
                    discord.File(io.BytesIO(b"one"), "a.txt"),
                    discord.File(io.BytesIO(b"two"), "b.txt"),
                ],
                ephemeral=True,
            )

        @tree.command(name="post", description="Post a file, then swap it in an edit")
        async def post(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("posting", ephemeral=True)
            assert isinstance(interaction.channel, discord.abc.Messageable)
            sent = await interaction.channel.send(
                "v1", file=discord.File(io.BytesIO(b"first"), "v.txt")
            )
            again = await sent.attachments[0].read()
            await sent.edit(
                content=f"v2 (was {again.decode()})",
                attachments=[discord.File(io.BytesIO(b"second"), "v.txt")],
            )

        @tree.command(name="guarded", description="Hidden unless Manage Server")
        @app_commands.default_permissions(manage_guild=True)
        async def guarded(interaction: discord.Interaction) -> None:
            self.permissions_seen.append(interaction.permissions)
            await interaction.response.send_message("inside", ephemeral=True)

        @tree.command(name="secret", description="A private button")
        async def secret(interaction: discord.Interaction) -> None:
            view = discord.ui.View()
            button: discord.ui.Button[Any] = discord.ui.Button(label="Press", custom_id="press")

            async def pressed(inner: discord.Interaction) -> None:
                await inner.response.send_message(f"pressed by {inner.user.name}", ephemeral=True)

            button.callback = pressed  # type: ignore[method-assign]
            view.add_item(button)
            await interaction.response.send_message("only you", view=view, ephemeral=True)

        @tree.command(name="note", description="Open a modal")
        async def note(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(NoteModal())


async def test_attachment_option_is_resolved_and_downloadable(
    fake: FakeDiscord, world: World
) -> None:
    alice = world.users[0]
    payload = b"question,answer\nWhat is 2+2?,4\n"
    bot = FileBot(world.guild.id)
    async with run_bot(fake, bot):
        upload = fake.upload("q.csv", payload)
        ix = await fake.invoke_slash(world.channel, alice, "digest", {"file": upload})
        reply = await ix.response()
        expected = hashlib.sha256(payload).hexdigest()[:12]
        assert reply.content == f"q.csv {len(payload)} {expected}"
        resolved = ix.payload["data"]["resolved"]["attachments"][str(upload.id)]
        assert resolved["url"].startswith(fake.cdn_origin) and resolved["ephemeral"] is True
        assert resolved["content_type"] == "text/csv" and resolved["size"] == len(payload)
        seen = bot.seen[0]
        assert (seen.id, seen.filename, seen.size) == (upload.id, "q.csv", len(payload))

        cached = await fake.invoke_slash(
            world.channel, alice, "digest", {"file": upload, "cached": True}
        )
        assert (await cached.response()).content.endswith(expected)
        assert fake.cdn_downloads == [f"{upload.id}/q.csv"] * 2

        with pytest.raises(ValueError, match=r"fake\.upload"):
            await fake.invoke_slash(world.channel, alice, "digest", {"file": b"raw bytes"})
        fake.attachment_size_limit = 4
        with pytest.raises(ValueError, match="upload limit"):
            await fake.invoke_slash(world.channel, alice, "digest", {"file": upload})
    fake.assert_no_violations()


async def test_cdn_serves_only_known_files(fake: FakeDiscord) -> None:
    upload = fake.upload("notes.txt", "hello")
    async with aiohttp.ClientSession() as http:
        async with http.get(fake.cdn_origin + upload.path()) as resp:
            assert resp.status == 200 and await resp.read() == b"hello"
            assert resp.content_type == "text/plain"
        async with http.get(f"{fake.cdn_origin}/attachments/{upload.id}/other.txt") as resp:
            assert resp.status == 404
        async with http.get(f"{fake.cdn_origin}/attachments/1/notes.txt") as resp:
            assert resp.status == 404
    assert fake.attachment_bytes(upload.id) == b"hello"
    odd = fake.upload("a b/c?.csv", b"x,y\n", content_type="text/csv; charset=utf-8")
    async with aiohttp.ClientSession() as http:
        async with http.get(fake.cdn_origin + odd.path(proxy=True)) as resp:
            assert resp.status == 200 and await resp.read() == b"x,y\n"
            assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"


async def test_files_the_bot_sends_are_kept_with_their_bytes(
    fake: FakeDiscord, world: World
) -> None:
    alice = world.users[0]
    async with run_bot(fake, FileBot(world.guild.id)):
        ix = await fake.invoke_slash(world.channel, alice, "export", {"text": "id: x\n"})
        reply = await ix.response()
        assert reply.ephemeral and reply.message is not None
        assert reply.message.file("out.yaml") == b"id: x\n"
        assert reply.message.file() == b"id: x\n"
        (copy,) = await fake.wait_for_followups(ix, 1)
        assert copy.ephemeral and copy.file("a.txt") == b"one" and copy.file("b.txt") == b"two"
        with pytest.raises(LookupError):
            copy.file()
        assert fake.attachment_bytes(copy.attachments[1]) == b"two"

        posted = await fake.invoke_slash(world.channel, alice, "post")
        await posted.response()
        msg = await fake.wait_for_message(world.channel)
        await fake.wait_for(lambda: msg.content.startswith("v2"))
        assert msg.content == "v2 (was first)" and msg.file("v.txt") == b"second"
        assert len(msg.attachments) == 1 and msg.revisions[0].content == "v1"
    fake.assert_no_violations()


async def test_bypass_permissions_delivers_a_hidden_command(
    fake: FakeDiscord, world: World
) -> None:
    alice = world.users[0]
    bot = FileBot(world.guild.id)
    async with run_bot(fake, bot):
        with pytest.raises(PermissionError, match="hides /guarded"):
            await fake.invoke_slash(world.channel, alice, "guarded")
        ix = await fake.invoke_slash(world.channel, alice, "guarded", bypass_permissions=True)
        assert (await ix.response()).content == "inside"
        assert not bot.permissions_seen[0].manage_guild  # the member's real permissions

        admins = fake.add_role(world.guild, "admins", MANAGE_GUILD)
        world.guild.members[alice.id].roles.append(admins.id)
        ok = await fake.invoke_slash(world.channel, alice, "guarded")
        assert (await ok.response()).content == "inside"
    fake.assert_no_violations()


async def test_modal_inputs_can_be_filled_by_label(fake: FakeDiscord, world: World) -> None:
    alice = world.users[0]
    async with run_bot(fake, FileBot(world.guild.id)):
        ix = await fake.invoke_slash(world.channel, alice, "note")
        await ix.response()
        labels = fake.modal_inputs(ix)
        assert set(labels) == {"Subject", "Body", "Folder"}
        submitted = await fake.submit_modal(ix, {"Subject": "hi", labels["Body"]: "there"})
        assert (await submitted.response()).content == "hi|there|inbox"  # pre-filled value
        with pytest.raises(ValueError, match="no inputs"):
            await fake.submit_modal(ix, {"Subject": "x", "Nope": "y"})
        again = await fake.invoke_slash(world.channel, alice, "note")
        await again.response()
        changed = await fake.submit_modal(again, {"Subject": "a", "Folder": "archive"})
        assert (await changed.response()).content == "a||archive"
    fake.assert_no_violations()


async def test_forged_click_on_another_users_ephemeral_message(
    fake: FakeDiscord, world: World
) -> None:
    alice, bob = world.users
    async with run_bot(fake, FileBot(world.guild.id)):
        ix = await fake.invoke_slash(world.channel, alice, "secret")
        message = (await ix.response()).message
        assert message is not None and message.visible_to == alice.id
        with pytest.raises(PermissionError, match="ephemeral for another user"):
            await fake.click_button(message, "press", bob)
        forged = await fake.click_button(message, "press", bob, ignore_ephemeral=True)
        assert (await forged.response()).content == "pressed by bob"
    fake.assert_no_violations()
