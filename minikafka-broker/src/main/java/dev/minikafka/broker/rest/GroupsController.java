package dev.minikafka.broker.rest;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.minikafka.broker.group.GroupCoordinator;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Consumer groups over HTTP: what the {@link GroupCoordinator} knows, and the offset resets it allows. */
@RestController
@RequestMapping("/api/v1/groups")
@Tag(name = "groups")
class GroupsController {

    private final GroupCoordinator coordinator;
    private final GroupDescriber describer;
    private final OffsetResets resets;

    GroupsController(GroupCoordinator coordinator, GroupDescriber describer, OffsetResets resets) {
        this.coordinator = coordinator;
        this.describer = describer;
        this.resets = resets;
    }

    @GetMapping
    @Operation(summary = "List consumer groups with their state, member count and total lag",
            responses = @ApiResponse(responseCode = "200", description = "every group, by id"))
    GroupList list() {
        return describer.list();
    }

    @GetMapping("/{group}")
    @Operation(summary = "Describe a group: members with their assignment and epoch, committed offsets and lag per partition",
            responses = {
                    @ApiResponse(responseCode = "200", description = "the group"),
                    @ApiResponse(responseCode = "404", description = "no such group") })
    GroupDetails describe(@PathVariable String group) {
        return describer.describe(group);
    }

    @PostMapping("/{group}/offsets/reset")
    @Operation(summary = "Reset a group's committed offsets to earliest, latest, a timestamp or an offset", responses = {
            @ApiResponse(responseCode = "200", description = "the offsets now committed, per partition"),
            @ApiResponse(responseCode = "400", description = "bad target, topic or value"),
            @ApiResponse(responseCode = "404", description = "no such group"),
            @ApiResponse(responseCode = "409", description = "the group has live members"),
            @ApiResponse(responseCode = "503", description = "the offset store is unreachable") })
    Map<String, Object> reset(@PathVariable String group, @RequestBody ResetOffsetsRequest request) {
        return Map.of("groupId", group, "offsets", resets.reset(group, request));
    }

    @DeleteMapping("/{group}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a group and its committed offsets", responses = {
            @ApiResponse(responseCode = "204", description = "deleted"),
            @ApiResponse(responseCode = "404", description = "no such group"),
            @ApiResponse(responseCode = "409", description = "the group has live members"),
            @ApiResponse(responseCode = "503", description = "the offset store is unreachable or slow; try again") })
    void delete(@PathVariable String group) {
        coordinator.deleteGroup(group);
    }
}
